package primitives

// ReleaseSave calls l's releaseSave (CPython's _release_save), so that the
// external tests can check its misuse case.
func ReleaseSave(l Locker) { l.releaseSave() }

package sched

// Observable is implemented by the primitives so that a trace step names
// the primitive and shows the state that matters at that step.
type Observable interface {
	// Observe returns the primitive's state. The explorer calls it only
	// from the thread holding the baton, at the primitive's scheduling
	// points and, for every object of the run, when the run deadlocks
	// (every thread parked): it must not block.
	Observe() Snapshot
}

// A Snapshot is a primitive's state as a trace line shows it, described by
// the primitive itself.
type Snapshot struct {
	Kind    string // "Lock", "RLock", "Queue", ...: with a per-run ordinal it names the primitive ("Lock#2")
	State   string // the kind's own words: "locked", "set", "value=2", "size=3/5", "" for nothing to say
	Owner   int64  // goroutine id of the thread that holds it, 0 for none or unknown; printed as its thread's name, and how a deadlock report finds who holds what
	Waiters int    // threads parked on it
	// WaitsFor says what a thread parked on it waits for ("a Notify", "a
	// Set"), for deadlock reports; "" when Owner or State says it all.
	WaitsFor string
}

// An Object is one primitive a run's trace mentions.
type Object struct {
	Kind string // as its snapshots say
	Name string // the name given with Name, or Kind#N (N counts the run's primitives of that kind from 1)
}

// Name gives obj a name for the traces of the calling model run (no-op in
// real mode): steps show it instead of the Kind#N ordinal.
func Name(obj Observable, name string) {
	th := self()
	if th == nil {
		return
	}
	r := th.run
	if r.names == nil {
		r.names = map[Observable]string{}
	}
	r.names[obj] = name
	if i, ok := r.objects[obj]; ok {
		r.trace.Objects[i].Name = name
	}
}

// objectIndex returns the index of obj in the run's trace.Objects, adding
// it on first sight.
func (r *run) objectIndex(obj Observable, kind string) int {
	if i, ok := r.objects[obj]; ok {
		return i
	}
	if r.objects == nil {
		r.objects = map[Observable]int{}
		r.kinds = map[string]int{}
	}
	name := r.names[obj]
	if name == "" {
		r.kinds[kind]++
		name = kind + "#" + itoa(r.kinds[kind])
	}
	i := len(r.trace.Objects)
	r.trace.Objects = append(r.trace.Objects, Object{Kind: kind, Name: name})
	r.objects[obj] = i
	return i
}

package primitives_test

import (
	"fmt"
	"testing"

	"github.com/interleave-lab/interleave/primitives"
)

// Ports of CPython 3.13 Lib/test/lock_tests.py: BaseSemaphoreTests (the
// bodies are in semaphore_test.go) and BoundedSemaphoreTests.

func newBoundedSemLT(v int) hSem { return primitives.NewBoundedSemaphore(v) }

// --- BaseSemaphoreTests ---

func TestBoundedSemaphore_test_constructor(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemConstructor(e, newBoundedSemLT) })
}

func TestBoundedSemaphore_test_acquire(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemAcquire(e, newBoundedSemLT) })
}

func TestBoundedSemaphore_test_acquire_destroy(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemAcquireDestroy(e, newBoundedSemLT) })
}

func TestBoundedSemaphore_test_acquire_contended(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemAcquireContended(e, newBoundedSemLT) })
}

func TestBoundedSemaphore_test_multirelease(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemMultirelease(e, newBoundedSemLT) })
}

func TestBoundedSemaphore_test_try_acquire(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemTryAcquire(e, newBoundedSemLT) })
}

func TestBoundedSemaphore_test_try_acquire_contended(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemTryAcquireContended(e, newBoundedSemLT) })
}

func TestBoundedSemaphore_test_acquire_timeout(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemAcquireTimeout(e, newBoundedSemLT) })
}

func TestBoundedSemaphore_test_default_value(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemDefaultValue(e, newBoundedSemLT) })
}

func TestBoundedSemaphore_test_with(t *testing.T) {
	hBoth(t, func(e *hEnv) { hSemWith(e, newBoundedSemLT) })
}

// --- BoundedSemaphoreTests ---

func TestBoundedSemaphore_test_release_unacquired(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		// Cannot go past the initial value.
		sem := primitives.NewBoundedSemaphore(1)
		hPanics(e, "Release at the initial value", primitives.ErrOverRelease, sem.Release)
		sem.Acquire()
		sem.Release()
		hPanics(e, "Release at the initial value", primitives.ErrOverRelease, sem.Release)
		if v := sem.Value(); v != 1 {
			e.Errorf("Value() after refused releases = %d; want 1 (unchanged)", v)
		}
	})
}

func TestBoundedSemaphore_test_repr(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		sem := primitives.NewBoundedSemaphore(3)
		if v, s := sem.Value(), sem.Observe(); v != 3 || s.State != "value=3/3" || s.Kind != "BoundedSemaphore" {
			e.Errorf("Value() = %d, Observe() = %+v; want value 3, State value=3/3, kind BoundedSemaphore", v, s)
		}
		sem.Acquire()
		if v := sem.Value(); v != 2 {
			e.Errorf("Value() after Acquire = %d; want 2", v)
		}
	})
}

// --- Go-specific checks ---

func TestBoundedSemaphore_release_n_misuse(t *testing.T) {
	hBoth(t, func(e *hEnv) {
		hSemReleaseNBad(e, newBoundedSemLT)
		sem := primitives.NewBoundedSemaphore(3)
		sem.Acquire()
		sem.Acquire()
		hPanics(e, "ReleaseN(3) at value 1 of 3", primitives.ErrOverRelease, func() { sem.ReleaseN(3) })
		if v := sem.Value(); v != 1 {
			e.Errorf("Value() after a refused ReleaseN = %d; want 1 (unchanged)", v)
		}
		sem.ReleaseN(2)
		if v := sem.Value(); v != 3 {
			e.Errorf("Value() after ReleaseN(2) = %d; want 3", v)
		}
	})
}

func TestBoundedSemaphore_release_n_wakes_up_to_n(t *testing.T) {
	hAll(t, func(e *hEnv) { hSemReleaseNWakes(e, newBoundedSemLT) })
}

func ExampleBoundedSemaphore() {
	pool := primitives.NewBoundedSemaphore(2)
	pool.Acquire()
	pool.Release()
	defer func() {
		fmt.Println("recovered:", recover())
		fmt.Println("value:", pool.Value())
	}()
	pool.Release() // one release too many: a bug, caught
	// Output:
	// recovered: primitives: BoundedSemaphore.Release: semaphore released too many times (value 2, initial value 2)
	// value: 2
}

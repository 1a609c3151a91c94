package failpoints

// The catalogue: every failpoint the primitives and scenarios hit, named
// after the package that hits it, as pingcap/failpoint expects
// ("github.com/interleave-lab/interleave/primitives/lock-acquire"). In the
// trace a step shows the part after the last slash.
const (
	primitivesPkg = "github.com/interleave-lab/interleave/primitives/"
	scenariosPkg  = "github.com/interleave-lab/interleave/scenarios/"
)

// Lock and RLock.
const (
	LockAcquire  = primitivesPkg + "lock-acquire"  // before a Lock looks at its state
	LockAcquired = primitivesPkg + "lock-acquired" // after a Lock was taken
	LockRelease  = primitivesPkg + "lock-release"  // before a Lock is released (and a waiter woken)

	RLockAcquire  = primitivesPkg + "rlock-acquire"  // before an RLock looks at owner and depth
	RLockAcquired = primitivesPkg + "rlock-acquired" // after an RLock was taken or re-entered
	RLockRelease  = primitivesPkg + "rlock-release"  // before an RLock level is released
)

// Condition.
const (
	CondWait   = primitivesPkg + "cond-wait"   // before a waiter enqueues and releases the lock
	CondWoken  = primitivesPkg + "cond-woken"  // after a waiter wakes, before it re-acquires
	CondNotify = primitivesPkg + "cond-notify" // before Notify/NotifyAll wakes waiters
)

// Semaphore and BoundedSemaphore.
const (
	SemAcquire  = primitivesPkg + "sem-acquire"  // before a semaphore looks at its value
	SemAcquired = primitivesPkg + "sem-acquired" // after a semaphore was decremented
	SemRelease  = primitivesPkg + "sem-release"  // before a semaphore is incremented
)

// Event.
const (
	EventSet   = primitivesPkg + "event-set"   // before Set stores the flag and wakes waiters
	EventClear = primitivesPkg + "event-clear" // before Clear resets the flag
	EventWait  = primitivesPkg + "event-wait"  // before Wait looks at the flag
	EventWoken = primitivesPkg + "event-woken" // after Wait returns from parking
)

// Barrier.
const (
	BarrierWait   = primitivesPkg + "barrier-wait"   // before a party arrives
	BarrierAction = primitivesPkg + "barrier-action" // before the last party runs the action
	BarrierWoken  = primitivesPkg + "barrier-woken"  // after a party wakes
)

// Queue.
const (
	QueuePut      = primitivesPkg + "queue-put"       // before a put looks at the size
	QueueStored   = primitivesPkg + "queue-stored"    // after an item is stored, before getters are woken
	QueueGet      = primitivesPkg + "queue-get"       // before a get looks at the size
	QueueTaken    = primitivesPkg + "queue-taken"     // after an item is taken, before putters are woken
	QueueTaskDone = primitivesPkg + "queue-task-done" // before TaskDone lowers the count
	QueueJoin     = primitivesPkg + "queue-join"      // before Join looks at the count
	QueueShutdown = primitivesPkg + "queue-shutdown"  // before Shutdown wakes everybody
)

// Thread, Timer and the module functions.
const (
	ThreadStart = primitivesPkg + "thread-start" // in the starter, after the new thread exists
	ThreadJoin  = primitivesPkg + "thread-join"  // before Join looks at the thread
	TimerFire   = primitivesPkg + "timer-fire"   // in a Timer, after its interval, before it calls fn
	TimerCancel = primitivesPkg + "timer-cancel" // before Cancel sets the timer's event
)

// Scenario lines where an interleaving matters (a read and its write, a
// check and its act). Scenarios hit them with Hit(name, nil).
const (
	ScenarioStep      = scenariosPkg + "step"       // a generic interesting line of a scenario
	ScenarioReadWrite = scenariosPkg + "read-write" // between a read of shared data and its write
	ScenarioCheckAct  = scenariosPkg + "check-act"  // between a check (Empty, Full, Locked) and the act
	ScenarioDownload  = scenariosPkg + "download"   // before a flag download (S07): faults are injected here
	ScenarioGIL       = scenariosPkg + "gil-switch" // the simulated GIL's switch interval (S15)
)

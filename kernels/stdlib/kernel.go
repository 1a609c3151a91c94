package stdlib

import (
	"errors"
	"time"
)

// ErrTimeout is returned by RunOnce when a run has not finished within its
// timeout: the stress equivalent of the explorer's deadlock report.
var ErrTimeout = errors.New("stdlib: run did not finish before its timeout (deadlock or leak)")

// A Kernel is one bug kernel on the standard library. Run runs it once with
// real goroutines (the buggy version, or the fixed twin) and returns nil,
// the broken invariant or a goroutine's panic as an error, or ErrTimeout
// when stop closed first, once every goroutine it started has been released
// and has returned.
type Kernel struct {
	Name string
	Run  func(fixed bool, stop <-chan struct{}) error
}

// All lists every kernel, in the order of the table in package kernels.
var All = []Kernel{
	{"Hugo5379", hugo5379},
	{"Grpc795", grpc795},
	{"Cockroach584", cockroach584},
	{"Moby7559", moby7559},
	{"Cockroach10214", cockroach10214},
	{"Kubernetes30872", kubernetes30872},
	{"Hugo3251", hugo3251},
	{"Kubernetes62464", kubernetes62464},
	{"Grpc1275", grpc1275},
	{"Etcd6857", etcd6857},
	{"Kubernetes5316", kubernetes5316},
	{"Grpc660", grpc660},
	{"Kubernetes10182", kubernetes10182},
	{"Cockroach1055", cockroach1055},
	{"Moby25384", moby25384},
	{"Moby29733", moby29733},
	{"Kubernetes13058", kubernetes13058},
	{"Cockroach4407", cockroach4407},
	{"Grpc1687", grpc1687},
	{"Serving3068", serving3068},
	{"Moby18412", moby18412},
	{"Kubernetes81091", kubernetes81091},
}

// RunOnce runs k once, stopping it after timeout.
func RunOnce(k Kernel, fixed bool, timeout time.Duration) error {
	stop := make(chan struct{})
	t := time.AfterFunc(timeout, func() { close(stop) })
	defer t.Stop()
	return k.Run(fixed, stop)
}

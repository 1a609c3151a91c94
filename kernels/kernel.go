package kernels

// Kind says how a kernel's bug shows.
type Kind int

const (
	// Blocking: goroutines block forever (a deadlock, or a leaked
	// goroutine), which the explorer reports as interleave.ErrDeadlock
	// naming each blocked goroutine and its operation.
	Blocking Kind = iota
	// NonBlocking: the run ends but breaks an invariant (the kernel
	// returns an error) or panics (a send on a closed channel, a negative
	// WaitGroup counter).
	NonBlocking
)

// String returns "blocking" or "non-blocking".
func (k Kind) String() string {
	if k == Blocking {
		return "blocking"
	}
	return "non-blocking"
}

// A Kernel is one real concurrency bug, reduced to its essence and written
// with the swap-in packages: Bug is the buggy code and Fix its fixed twin,
// each a run body for the explorer that returns the broken invariant, if
// any, as an error.
type Kernel struct {
	Name    string // as in GoKer: project and issue or pull request number
	Project string // the repository the bug was found in
	Ref     string // the issue or pull request that fixed it
	Kind    Kind
	Bug     func() error
	Fix     func() error
}

// All lists every kernel, in the order of the package doc's table.
var All = []Kernel{
	{"Hugo5379", "gohugoio/hugo", "pull/5379", Blocking, Hugo5379, Hugo5379Fixed},
	{"Grpc795", "grpc/grpc-go", "pull/795", Blocking, Grpc795, Grpc795Fixed},
	{"Cockroach584", "cockroachdb/cockroach", "pull/584", Blocking, Cockroach584, Cockroach584Fixed},
	{"Moby7559", "moby/moby", "pull/7559", Blocking, Moby7559, Moby7559Fixed},
	{"Cockroach10214", "cockroachdb/cockroach", "pull/10214", Blocking, Cockroach10214, Cockroach10214Fixed},
	{"Kubernetes30872", "kubernetes/kubernetes", "pull/30872", Blocking, Kubernetes30872, Kubernetes30872Fixed},
	{"Hugo3251", "gohugoio/hugo", "pull/3251", Blocking, Hugo3251, Hugo3251Fixed},
	{"Kubernetes62464", "kubernetes/kubernetes", "pull/62464", Blocking, Kubernetes62464, Kubernetes62464Fixed},
	{"Grpc1275", "grpc/grpc-go", "pull/1275", Blocking, Grpc1275, Grpc1275Fixed},
	{"Etcd6857", "etcd-io/etcd", "pull/6857", Blocking, Etcd6857, Etcd6857Fixed},
	{"Kubernetes5316", "kubernetes/kubernetes", "pull/5316", Blocking, Kubernetes5316, Kubernetes5316Fixed},
	{"Grpc660", "grpc/grpc-go", "pull/660", Blocking, Grpc660, Grpc660Fixed},
	{"Kubernetes10182", "kubernetes/kubernetes", "pull/10182", Blocking, Kubernetes10182, Kubernetes10182Fixed},
	{"Cockroach1055", "cockroachdb/cockroach", "pull/1055", Blocking, Cockroach1055, Cockroach1055Fixed},
	{"Moby25384", "moby/moby", "pull/25384", Blocking, Moby25384, Moby25384Fixed},
	{"Moby29733", "moby/moby", "pull/29733", Blocking, Moby29733, Moby29733Fixed},
	{"Kubernetes13058", "kubernetes/kubernetes", "pull/13058", NonBlocking, Kubernetes13058, Kubernetes13058Fixed},
	{"Cockroach4407", "cockroachdb/cockroach", "pull/4407", NonBlocking, Cockroach4407, Cockroach4407Fixed},
	{"Grpc1687", "grpc/grpc-go", "pull/1687", NonBlocking, Grpc1687, Grpc1687Fixed},
	{"Serving3068", "knative/serving", "pull/3068", NonBlocking, Serving3068, Serving3068Fixed},
	{"Moby18412", "moby/moby", "pull/18412", NonBlocking, Moby18412, Moby18412Fixed},
	{"Kubernetes81091", "kubernetes/kubernetes", "pull/81091", NonBlocking, Kubernetes81091, Kubernetes81091Fixed},
}

// Package kernels is a collection of real concurrency bugs of well-known Go
// projects, each reduced to a kernel (the kind the GoBench/GoKer suite
// catalogues) and written from the bug's description with the swap-in
// packages (sync, chans, goroutine, time of this module), as an import swap
// of the standard-library code would give. Each kernel has its buggy
// version and its fixed twin (the patch of the named pull request); All
// lists them. Package kernels/stdlib holds the same kernels on the standard
// library, for stress testing with real goroutines.
//
// The tests check, for every kernel: the explorer fails the buggy version
// within rapid's default 100 schedules (interleave.Hunt), a blocking one
// as interleave.ErrDeadlock naming each blocked goroutine and its
// operation, a non-blocking one as a broken invariant or a panic, and
// shrinks it; the fixed twin passes Explore under rapid.Check; and
// Exhaustive with a preemption bound of 2 finds the bug and passes the fix
// on every schedule.
//
// # Kernels
//
// Schedules-to-failure is HuntResult.Schedules (the first failing test
// case, counted from 1) over rapid seeds 1 to 20, median and max: every
// kernel was found on all 20 seeds, the worst within 59 of the 100
// schedules of the budget. Measured with
//
//	go test -c -o /tmp/k.test ./kernels && cd kernels
//	for s in $(seq 1 20); do /tmp/k.test -test.run TestBugsFound -test.v -rapid.seed=$s; done
//
// Stress is runs-to-failure of the standard-library version (mean over 3
// benchmark iterations, each running the kernel up to 10,000 times with
// real goroutines and a 50ms deadlock timeout; "none" if no iteration
// failed in 10,000 runs), on the same loaded 2-core machine:
//
//	go test -run XXX -bench Stress -benchtime 3x ./kernels/stdlib
//
// Every kernel is found by Exhaustive with bound 2.
//
//	kernel           project                issue/PR   kind          schedules (median/max)   stress runs
//	Hugo5379         gohugoio/hugo          #5379      blocking      3/9                      2785
//	Grpc795          grpc/grpc-go           #795       blocking      4/29                     1490
//	Cockroach584     cockroachdb/cockroach  #584       blocking      4/18                     1372
//	Moby7559         moby/moby              #7559      blocking      4.5/28                   3040
//	Cockroach10214   cockroachdb/cockroach  #10214     blocking      2/12                     6680 (2 of 3 missed)
//	Kubernetes30872  kubernetes/kubernetes  #30872     blocking      2/12                     7761 (2 of 3 missed)
//	Hugo3251         gohugoio/hugo          #3251      blocking      2/13                     none
//	Kubernetes62464  kubernetes/kubernetes  #62464     blocking      2/18                     9820 (2 of 3 missed)
//	Grpc1275         grpc/grpc-go           #1275      blocking      1/1                      1
//	Etcd6857         etcd-io/etcd           #6857      blocking      1/3                      1
//	Kubernetes5316   kubernetes/kubernetes  #5316      blocking      2/5                      1
//	Grpc660          grpc/grpc-go           #660       blocking      2.5/9                    273
//	Kubernetes10182  kubernetes/kubernetes  #10182     blocking      1/3                      265
//	Cockroach1055    cockroachdb/cockroach  #1055      blocking      3/9                      3754
//	Moby25384        moby/moby              #25384     blocking      1/1                      1
//	Moby29733        moby/moby              #29733     blocking      1/3                      1
//	Kubernetes13058  kubernetes/kubernetes  #13058     non-blocking  1/3                      1
//	Cockroach4407    cockroachdb/cockroach  #4407      non-blocking  1/5                      1
//	Grpc1687         grpc/grpc-go           #1687      non-blocking  5.5/59                   none
//	Serving3068      knative/serving        #3068      non-blocking  3/9                      4849
//	Moby18412        moby/moby              #18412     non-blocking  2/8                      4138
//	Kubernetes81091  kubernetes/kubernetes  #81091     non-blocking  2/13                     6990 (2 of 3 missed)
package kernels

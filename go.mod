module github.com/interleave-lab/interleave

go 1.25

require (
	github.com/anishathalye/porcupine v1.3.1
	github.com/petermattis/goid v0.0.0-20261109124353-7cfa343ad0ab
	github.com/pingcap/failpoint v0.0.0-20240528011301-b51a646c7c86
	go.uber.org/goleak v1.3.0
	pgregory.net/rapid v1.3.0
)

require github.com/pingcap/errors v0.11.4 // indirect

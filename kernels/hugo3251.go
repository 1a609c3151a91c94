package kernels

import "github.com/interleave-lab/interleave/sync"

// Hugo3251 is gohugoio/hugo#3251 (pull request 3251), a lock-order
// inversion between an RWMutex and a Mutex: remoteLock.URLLock holds the
// map's write lock while it takes the per-URL mutex, and URLUnlock takes
// the map's read lock to find the per-URL mutex to unlock. A second
// fetcher of the same URL blocks on the URL's mutex holding the write
// lock; the first can then never take the read lock to release it.
func Hugo3251() error { return hugo3251(false) }

// Hugo3251Fixed releases the map's lock before taking the URL's mutex.
func Hugo3251Fixed() error { return hugo3251(true) }

func hugo3251(fixed bool) error {
	var wg sync.WaitGroup
	var l sync.RWMutex // protects m
	m := map[string]*sync.Mutex{}
	urlLock := func(url string) {
		l.Lock()
		if _, ok := m[url]; !ok {
			m[url] = &sync.Mutex{}
		}
		um := m[url]
		if fixed {
			l.Unlock()
		}
		um.Lock()
		if !fixed {
			l.Unlock()
		}
	}
	urlUnlock := func(url string) {
		l.RLock()
		defer l.RUnlock()
		m[url].Unlock()
	}
	for _, name := range []string{"fetch-1", "fetch-2"} {
		start(&wg, name, func() { // resGetRemote
			urlLock("http://example.com")
			urlUnlock("http://example.com")
		})
	}
	wg.Wait()
	return nil
}

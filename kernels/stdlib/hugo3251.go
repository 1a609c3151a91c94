package stdlib

import (
	"sync"
	"sync/atomic"
)

// hugo3251 is gohugoio/hugo#3251 (see kernels.Hugo3251).
func hugo3251(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var l sync.RWMutex
	m := map[string]*sync.Mutex{}
	var mu sync.Mutex // the one URL's lock, created up front so release can reach it
	var writeHeld atomic.Bool
	urlLock := func(url string) bool {
		l.Lock()
		if g.stopped() {
			return false
		}
		writeHeld.Store(true)
		if _, ok := m[url]; !ok {
			m[url] = &mu
		}
		um := m[url]
		if fixed {
			writeHeld.Store(false)
			l.Unlock()
		}
		um.Lock()
		if g.stopped() {
			return false
		}
		if !fixed {
			writeHeld.Store(false)
			l.Unlock()
		}
		return true
	}
	urlUnlock := func(url string) bool {
		l.RLock()
		if g.stopped() {
			return false
		}
		m[url].Unlock()
		l.RUnlock()
		return true
	}
	for range 2 {
		g.Go(func() {
			if urlLock("http://example.com") {
				urlUnlock("http://example.com")
			}
		})
	}
	return g.wait(func() {
		unlock(&mu)
		if writeHeld.Load() {
			writeHeld.Store(false)
			l.Unlock()
		}
	})
}

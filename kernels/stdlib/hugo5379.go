package stdlib

import "sync"

// hugo5379 is gohugoio/hugo#5379 (see kernels.Hugo5379).
func hugo5379(fixed bool, stop <-chan struct{}) error {
	g := newGroup(stop)
	var mu sync.Mutex // contentInitMu
	inited := false
	initContentLocked := func() { inited = true }
	initContent := func() bool {
		mu.Lock()
		if g.stopped() {
			return false
		}
		initContentLocked()
		mu.Unlock()
		return true
	}
	// The pre-render pass.
	g.Go(func() { initContent() })
	g.Go(func() { // a shortcode reading the content
		mu.Lock()
		if !inited {
			if fixed {
				initContentLocked()
			} else if !initContent() {
				return
			}
		}
		mu.Unlock()
	})
	return g.wait(func() { unlock(&mu) })
}

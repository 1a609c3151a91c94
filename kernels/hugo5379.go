package kernels

import "github.com/interleave-lab/interleave/sync"

// Hugo5379 is gohugoio/hugo#5379 (pull request 5379), a double lock: a
// page's content is initialised lazily under contentInitMu, both by the
// pre-render pass and by the first reader (a shortcode rendering another
// page). The reader takes contentInitMu and, finding the content not yet
// initialised, calls initContent, which takes contentInitMu again: it
// blocks on itself whenever the reader runs before the pre-render pass.
func Hugo5379() error { return hugo5379(false) }

// Hugo5379Fixed is the fix: with the lock held the reader calls the
// variant that expects it held.
func Hugo5379Fixed() error { return hugo5379(true) }

func hugo5379(fixed bool) error {
	var wg sync.WaitGroup
	var mu sync.Mutex // contentInitMu: protects inited
	inited := false
	initContentLocked := func() { inited = true }
	initContent := func() {
		mu.Lock()
		defer mu.Unlock()
		initContentLocked()
	}
	start(&wg, "prerender", initContent)
	start(&wg, "shortcode", func() { // reads the page's content
		mu.Lock()
		defer mu.Unlock()
		if !inited {
			if fixed {
				initContentLocked()
			} else {
				initContent()
			}
		}
	})
	wg.Wait()
	return nil
}

package interleave

import "pgregory.net/rapid"

// A posPrio is a POS priority drawn lazily: a uniform number of posBits
// bits of which only the leading n were drawn so far, v. A comparison
// (posAbove) draws the next bit of the less-drawn side, most significant
// first, only while the bits drawn cannot decide it, so two priorities
// compare exactly as if each had been drawn whole, and a priority that is
// dropped before a comparison needed its low bits never costs them.
// Drawn whole, every fresh priority cost posBits coins, and POS gives a
// fresh one to every pending step that conflicts with the step that ran:
// a point of three threads that all conflict drew 12 coins, and draws
// about 6.2 now (TestPosAboveDrawsFewerCoins).
//
// Invariant: n <= posBits and v < 1<<n. The zero value is a fresh
// priority, no bit drawn.
type posPrio struct{ v, n uint8 }

// draw draws p's next bit from t.
func (p *posPrio) draw(t *rapid.T) {
	p.v <<= 1
	if coinGen.Draw(t, "") {
		p.v |= 1
	}
	p.n++
}

// posAbove reports whether a is above b (ties are not), drawing from t
// the bits the comparison needs: the two leading bit strings are compared
// where both are drawn, and where they agree the side with fewer bits
// drawn (a on a tie) draws one more.
func posAbove(t *rapid.T, a, b *posPrio) bool {
	for {
		k := min(a.n, b.n)
		av, bv := a.v>>(a.n-k), b.v>>(b.n-k)
		if av != bv {
			return av > bv
		}
		if k == posBits {
			return false // equal
		}
		if a.n <= b.n {
			a.draw(t)
		} else {
			b.draw(t)
		}
	}
}

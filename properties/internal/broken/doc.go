// Package broken holds deliberately buggy twins of interleave's primitives,
// one bug each, with the method set the properties use. Each exists to show
// that a property in package properties can fail: TestCatchesBroken<X>
// asserts that the explorer finds a schedule on which the property rejects
// the broken twin, while the real primitive passes the same property.
//
// None of these types is fit for use; they are built on the real
// primitives and on sched.WaitQueue, so that they schedule exactly as
// the real ones do apart from their bug.
package broken

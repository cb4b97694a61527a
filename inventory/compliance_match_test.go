package inventory

import (
	"math/rand/v2"
	"testing"
)

// kuhn is the textbook augmenting-path matching, slow but plainly right, with
// item j expanded into capacity[j] slots: the reference maxMatching is
// checked against.
func kuhn(adj [][]int, capacity []int) int {
	var slots []int // slot -> item
	first := make([]int, len(capacity))
	for j, c := range capacity {
		first[j] = len(slots)
		for range c {
			slots = append(slots, j)
		}
	}
	owner := make([]int, len(slots))
	for i := range owner {
		owner[i] = -1
	}
	var try func(d int, seen []bool) bool
	try = func(d int, seen []bool) bool {
		for _, j := range adj[d] {
			for s := first[j]; s < first[j]+capacity[j]; s++ {
				if seen[s] {
					continue
				}
				seen[s] = true
				if owner[s] < 0 || try(owner[s], seen) {
					owner[s] = d
					return true
				}
			}
		}
		return false
	}
	n := 0
	for d := range adj {
		if try(d, make([]bool, len(slots))) {
			n++
		}
	}
	return n
}

func TestMaxMatching(t *testing.T) {
	// The case a first fit gets wrong: device 0 fits both items and takes
	// item 0, which device 1 needs.
	if got := maxMatching([][]int{{0, 1}, {0}}, []int{1, 1}); got[0] != 1 || got[1] != 0 {
		t.Fatalf("maxMatching = %v, want [1 0]", got)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		n, m := 1+rng.IntN(30), 1+rng.IntN(8)
		adj := make([][]int, n)
		for i := range adj {
			for j := range m {
				if rng.IntN(3) == 0 {
					adj[i] = append(adj[i], j)
				}
			}
		}
		capacity := make([]int, m)
		for j := range capacity {
			capacity[j] = rng.IntN(4)
		}
		match := maxMatching(adj, capacity)
		used := make([]int, m)
		size := 0
		for i, j := range match {
			if j < 0 {
				continue
			}
			size++
			used[j]++
			ok := false
			for _, k := range adj[i] {
				ok = ok || k == j
			}
			if !ok {
				t.Fatalf("round %d: device %d matched to item %d it does not fit", round, i, j)
			}
		}
		for j := range used {
			if used[j] > capacity[j] {
				t.Fatalf("round %d: item %d over capacity: %d > %d", round, j, used[j], capacity[j])
			}
		}
		if want := kuhn(adj, capacity); size != want {
			t.Fatalf("round %d: matching of size %d, maximum is %d", round, size, want)
		}
	}
}

package inventory

// maxMatching assigns devices to items so that as many devices as possible
// are matched, each item taking at most capacity[j] devices. adj[i] lists the
// items device i may take, in order of preference. It returns, per device,
// the index of its item or -1.
//
// This is a maximum flow (Dinic's algorithm) on source → device (capacity 1)
// → item (1) → sink (capacity[j]): O(E·√V) on this unit-capacity network, so
// 2,000 devices × 50 items is a few million steps. A greedy first fit is not
// enough: a device that could take either of two items may use up the one
// item another device needs.
func maxMatching(adj [][]int, capacity []int) []int {
	n, m := len(adj), len(capacity)
	g := newFlowGraph(n + m + 2)
	src, sink := n+m, n+m+1
	devEdge := make([][]int, n) // edge index of device i's k-th item edge
	for i, items := range adj {
		g.add(src, i, 1)
		devEdge[i] = make([]int, len(items))
		for k, j := range items {
			devEdge[i][k] = g.add(i, n+j, 1)
		}
	}
	for j, c := range capacity {
		if c > 0 {
			g.add(n+j, sink, c)
		}
	}
	g.maxFlow(src, sink)
	match := make([]int, n)
	for i, items := range adj {
		match[i] = -1
		for k, j := range items {
			if g.edges[devEdge[i][k]].cap == 0 {
				match[i] = j
				break
			}
		}
	}
	return match
}

type flowEdge struct {
	to, cap int
}

// flowGraph is a residual graph: edge e's reverse is e^1.
type flowGraph struct {
	edges []flowEdge
	out   [][]int
	level []int
	next  []int
}

func newFlowGraph(nodes int) *flowGraph {
	return &flowGraph{out: make([][]int, nodes), level: make([]int, nodes), next: make([]int, nodes)}
}

func (g *flowGraph) add(from, to, capacity int) int {
	e := len(g.edges)
	g.edges = append(g.edges, flowEdge{to, capacity}, flowEdge{from, 0})
	g.out[from] = append(g.out[from], e)
	g.out[to] = append(g.out[to], e+1)
	return e
}

func (g *flowGraph) maxFlow(src, sink int) int {
	total := 0
	for g.bfs(src, sink) {
		clear(g.next)
		for {
			f := g.dfs(src, sink, 1<<30)
			if f == 0 {
				break
			}
			total += f
		}
	}
	return total
}

// bfs layers the residual graph from src; it tells whether sink is reachable.
func (g *flowGraph) bfs(src, sink int) bool {
	for i := range g.level {
		g.level[i] = -1
	}
	g.level[src] = 0
	queue := []int{src}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, e := range g.out[v] {
			if to := g.edges[e].to; g.edges[e].cap > 0 && g.level[to] < 0 {
				g.level[to] = g.level[v] + 1
				queue = append(queue, to)
			}
		}
	}
	return g.level[sink] >= 0
}

// dfs pushes one blocking-flow path; next[v] skips edges already exhausted.
func (g *flowGraph) dfs(v, sink, limit int) int {
	if v == sink {
		return limit
	}
	for ; g.next[v] < len(g.out[v]); g.next[v]++ {
		e := g.out[v][g.next[v]]
		to := g.edges[e].to
		if g.edges[e].cap == 0 || g.level[to] != g.level[v]+1 {
			continue
		}
		if f := g.dfs(to, sink, min(limit, g.edges[e].cap)); f > 0 {
			g.edges[e].cap -= f
			g.edges[e^1].cap += f
			return f
		}
	}
	return 0
}

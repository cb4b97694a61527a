package web

import (
	"sync"
	"time"
)

// limiter allows each client address at most max attempts a window (fixed
// windows), for sign-in.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	seen   map[string]*attempts
}

type attempts struct {
	start time.Time
	n     int
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, now: time.Now, seen: map[string]*attempts{}}
}

// allow counts an attempt from addr; when over the limit it returns false
// and how long until the next window.
func (l *limiter) allow(addr string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.seen) > 10000 {
		for k, a := range l.seen {
			if now.Sub(a.start) >= l.window {
				delete(l.seen, k)
			}
		}
	}
	a := l.seen[addr]
	if a == nil || now.Sub(a.start) >= l.window {
		a = &attempts{start: now}
		l.seen[addr] = a
	}
	a.n++
	if a.n > l.max {
		return false, a.start.Add(l.window).Sub(now)
	}
	return true, 0
}

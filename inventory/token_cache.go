package inventory

import (
	"sync"
	"sync/atomic"
	"time"
)

// tokenCacheTTL is how long a token read from the database is trusted
// before it is read again. Writes through this store (revoking a token,
// changing or disabling a user) clear the cache at once; another process's
// writes (the command line, a second server) take effect within this time.
const tokenCacheTTL = 10 * time.Second

// tokenCache keeps recently used tokens with their users, so checking a
// token costs an HMAC, not a query. The secret is still checked every time.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]cachedToken
	gen     atomic.Uint64 // bumped by every write that could change a token's answer
}

type cachedToken struct {
	token      Token
	user       User
	secretHash string
	read       time.Time
	gen        uint64
}

func (c *tokenCache) get(key string, now time.Time) (cachedToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || e.gen != c.gen.Load() || now.Sub(e.read) >= tokenCacheTTL || now.Before(e.read) {
		return cachedToken{}, false
	}
	return e, true
}

func (c *tokenCache) put(key string, e cachedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 10000 {
		c.entries = map[string]cachedToken{}
	}
	c.entries[key] = e
}

// forget drops every cached token.
func (c *tokenCache) forget() { c.gen.Add(1) }

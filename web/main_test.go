package web_test

import (
	"testing"

	"hostroll/inventory/dbtest"
)

// TestMain stops the throwaway PostgreSQL server dbtest starts for this
// package's tests.
func TestMain(m *testing.M) { dbtest.Main(m) }

package inventory_test

import (
	"testing"

	"hostroll/inventory/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

package inventory

import "testing"

func TestObservedMemoryGB(t *testing.T) {
	reg := func(n int) *int { return &n }
	cases := []struct {
		name       string
		mb         int64
		registered *int
		want       int
	}{
		{"nothing registered: rounded up", 257946, nil, 252},
		{"exactly the registered size", 262144, reg(256), 256},
		{"MemTotal of a 256 GiB server", 257946, reg(256), 256},
		{"MemTotal of a 512 GiB server", 515072, reg(512), 512},
		{"3 % below still counts", 254280, reg(256), 256},
		{"more than 3 % below does not", 253000, reg(256), 248},
		{"a missing module", 226376, reg(256), 222},
		{"more than registered: rounded up", 300000, reg(256), 293},
		{"a small VM", 1900, reg(2), 2},
		{"zero registered", 1024, reg(0), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := observedMemoryGB(tc.mb, tc.registered); got != tc.want {
				t.Errorf("observedMemoryGB(%d, %v) = %d, want %d", tc.mb, tc.registered, got, tc.want)
			}
		})
	}
}

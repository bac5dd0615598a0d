package main

import (
	"net"
	"net/url"
	"strings"
	"testing"
)

// TestPreviewURLs holds the addresses serve prints: on loopback the one
// it listens on; on every interface ("0.0.0.0", "[::]") never that
// address, which no phone can open, but localhost and each of the
// machine's network addresses.
func TestPreviewURLs(t *testing.T) {
	if got := previewURLs(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1313}); len(got) != 1 || got[0] != "http://127.0.0.1:1313/" {
		t.Errorf("loopback: %v", got)
	}
	own := map[string]bool{}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok {
			own[ipnet.IP.String()] = true
		}
	}
	for _, ip := range []net.IP{net.IPv4zero, net.IPv6unspecified} {
		got := previewURLs(&net.TCPAddr{IP: ip, Port: 1314})
		if len(got) == 0 || got[0] != "http://localhost:1314/" {
			t.Errorf("%s: %v, want localhost first", ip, got)
		}
		for _, u := range got[1:] {
			p, err := url.Parse(u)
			if err != nil || p.Port() != "1314" || !own[p.Hostname()] || strings.Contains(u, "[::]") || strings.Contains(u, "0.0.0.0") {
				t.Errorf("%s: %s is not one of this machine's addresses on port 1314", ip, u)
			}
		}
	}
}

package serve

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestNotFoundIsStyledAndNothingIsListed holds that the 404 page's own
// inline style is allowed by the policy it is sent with (by its hash,
// nothing else inline), and that the server's own folder is never listed.
func TestNotFoundIsStyledAndNothingIsListed(t *testing.T) {
	base, _, _ := preview(t)
	resp, err := http.Get(base + "/nergens/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindSubmatch(body)
	if resp.StatusCode != http.StatusNotFound || style == nil {
		t.Fatalf("404: status %d, inline style %v", resp.StatusCode, style != nil)
	}
	sum := sha256.Sum256(style[1])
	policy := resp.Header.Get("Content-Security-Policy")
	if want := "style-src 'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "';"; !strings.Contains(policy, want) || strings.Contains(policy, "unsafe-inline") {
		t.Errorf("the 404 page's policy %q does not admit its style (%s)", policy, want)
	}
	for _, p := range []string{Prefix + "live/", Prefix + "live", Prefix} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK || strings.Contains(string(body), `href="live.js"`) {
			t.Errorf("%s: status %d, a listing: %v", p, resp.StatusCode, strings.Contains(string(body), `href="live.js"`))
		}
	}
	if resp, err := http.Get(base + Prefix + "live/live.js"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("live.js: %v %v", resp, err)
	}
}

// TestSlowReadersCostLittle holds that 30 readers that stop reading a
// 20 MB file do not make the server hold the file 30 times: it streams
// it, and the heap grows by far less than one copy per reader.
func TestSlowReadersCostLittle(t *testing.T) {
	base, content, _ := preview(t)
	big := filepath.Join(filepath.Dir(content), "public", "groot.pdf")
	if err := os.WriteFile(big, []byte(strings.Repeat("x", 20<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	addr := strings.TrimPrefix(base, "http://")
	var conns []net.Conn
	for range 30 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /groot.pdf HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || !strings.Contains(line, "200") {
			t.Fatalf("answer %q %v", line, err)
		}
		conns = append(conns, c)
	}
	time.Sleep(time.Second) // the server writes what the sockets take
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 60<<20 {
		t.Errorf("30 stalled readers of a 20 MB file grew the heap by %d MB", grown>>20)
	}
}

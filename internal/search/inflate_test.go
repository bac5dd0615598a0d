package search

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
)

// TestBrowserInflatesWhatGoPacks runs search.js's own inflate in Chromium
// on zlib streams of every kind of deflate block Go writes: stored
// (level 0), fixed codes (short text) and dynamic codes (long or noisy
// text), and on what pack writes for the index.
func TestBrowserInflatesWhatGoPacks(t *testing.T) {
	ctx := browsertest.New(t)
	engine, err := os.ReadFile("../../assets/search.js")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](string(engine))); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 3000)
	for i := range noise {
		noise[i] = byte(' ' + r.IntN(95))
	}
	long := strings.Repeat("Raadsleden en wethouders krijgen een vergoeding; de raad stelt haar vast. ", 400)
	cases := []struct {
		name  string
		text  string
		level int
	}{
		{"noise", string(noise), zlib.DefaultCompression},
		{"stored", long, zlib.NoCompression},
		{"fixed", "één raadslid", zlib.DefaultCompression},
		{"dynamic", long + "ĳ€😀", zlib.BestCompression},
		{"empty", "", zlib.DefaultCompression},
	}
	for _, c := range cases {
		want, _ := json.Marshal(c.text)
		var z bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&z, c.level)
		zw.Write(want)
		zw.Close()
		if got := inflateInBrowser(t, ctx, base64.StdEncoding.EncodeToString(z.Bytes())); got != c.text {
			t.Errorf("%s: the browser read %d bytes %.60q, want %d bytes", c.name, len(got), got, len(c.text))
		}
	}
	script, err := pack("LB.docs", map[string]any{"rows": []string{long, "x"}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	b64 := bytes.TrimSuffix(bytes.TrimPrefix(script, []byte(`LB.docs(3,"`)), []byte("\");\n"))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`LB.unpack("`+string(b64)+`").rows.join("|")`))
	if err != nil || got != long+"|x" {
		t.Errorf("pack: the browser read %.60q (%v)", got, err)
	}
	// A stream that ends early is an error, not a result.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`LB.unpack("eJyrVg==")`)); err == nil {
		t.Error("a truncated stream was inflated without an error")
	}
}

// inflateInBrowser returns the string the page's LB.unpack reads from b64.
func inflateInBrowser(t *testing.T, ctx context.Context, b64 string) string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`LB.unpack("`+b64+`")`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

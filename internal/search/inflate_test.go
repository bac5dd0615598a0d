package search

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"fmt"
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
// text), and on what pack writes for the index. Noise and Go's zlib
// header put every one of the seven-bit exceptions into the strings.
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
	exceptions := map[rune]bool{} // the two-byte characters the cases hold
	for _, c := range cases {
		want, _ := json.Marshal(c.text)
		var z bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&z, c.level)
		zw.Write(want)
		zw.Close()
		packed := string(appendSeven(nil, z.Bytes()))
		for _, r := range packed {
			if r >= 0x80 {
				exceptions[(r-0x80)>>7] = true
			}
		}
		if got := inflateInBrowser(t, ctx, packed); got != c.text {
			t.Errorf("%s: the browser read %d bytes %.60q, want %d bytes", c.name, len(got), got, len(c.text))
		}
	}
	if len(exceptions) < len(sevenBitExceptions) {
		t.Errorf("the cases hold exceptions %v only", exceptions)
	}
	// A stream whose last group is an exception of its own.
	for i := 0; ; i++ {
		text := fmt.Sprintf("raadslid %d", i)
		want, _ := json.Marshal(text)
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(want)
		zw.Close()
		packed := []rune(string(appendSeven(nil, z.Bytes())))
		if int(packed[len(packed)-1]) < 0x80+lastException<<7 {
			continue
		}
		if got := inflateInBrowser(t, ctx, string(packed)); got != text {
			t.Errorf("a last exception: the browser read %q, want %q", got, text)
		}
		break
	}
	script, err := pack("LB.docs", map[string]any{"rows": []string{long, "x"}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	packed := bytes.TrimSuffix(bytes.TrimPrefix(script, []byte(utf8BOM+`LB.docs(3,"`)), []byte("\");\n"))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`LB.unpack("`+string(packed)+`").rows.join("|")`))
	if err != nil || got != long+"|x" {
		t.Errorf("pack: the browser read %.60q (%v)", got, err)
	}
	// The same script, inline: base64, no control characters; Packed
	// makes it the packed script again.
	raw, err := json.Marshal(map[string]any{"rows": []string{long, "x"}})
	if err != nil {
		t.Fatal(err)
	}
	inline, err := compress(zlibWriters, "LB.docs", raw, []any{3}, true)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := Packed(inline); err != nil || !bytes.Equal(again, script) {
		t.Errorf("Packed of the inline script: %.60q (%v), want %.60q", again, err, script)
	}
	if bytes.ContainsFunc(inline, func(r rune) bool { return r < ' ' && r != '\n' || r >= 0x7f }) {
		t.Errorf("inline script with control characters: %.60q", inline)
	}
	packed = bytes.TrimSuffix(bytes.TrimPrefix(inline, []byte(`LB.docs(3,"`)), []byte("\");\n"))
	got, err = chromedp.Run(ctx, chromedp.Evaluate[string](`LB.unpack("`+string(packed)+`").rows.join("|")`))
	if err != nil || got != long+"|x" {
		t.Errorf("inline: the browser read %.60q (%v)", got, err)
	}
	// A stream that ends early is an error, not a result.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`LB.unpack("`+string(appendSeven(nil, []byte{0x78, 0x9c, 0xab, 0x56}))+`")`)); err == nil {
		t.Error("a truncated stream was inflated without an error")
	}
}

// inflateInBrowser returns the string the page's LB.unpack reads from
// packed, a string appendSeven wrote.
func inflateInBrowser(t *testing.T, ctx context.Context, packed string) string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`LB.unpack("`+packed+`")`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

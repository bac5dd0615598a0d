// Package links lists the external links of a site's content (letters,
// annexes, handreikingen with their addresses, site pages) with every
// place each one is written, and checks whether they still lead
// somewhere: HEAD, or GET where a server refuses HEAD, with a timeout per
// link and a bound on the requests in flight. It is for an editor's
// periodic review; a build never needs the network.
package links

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/markdown"
	"ledenbrief/internal/pool"
)

// Place is where a link is written.
type Place struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// String writes a place as editors and their tools read it, "file:line:col".
func (p Place) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Link is one external address and every place that links to it.
type Link struct {
	URL    string  `json:"url"`
	Places []Place `json:"places"`
}

// Collect returns the http(s) links of the content in c, sorted by
// address, each with its places in file order. Problems loading letters
// go to diags.
func Collect(c *content.Site, conv *markdown.Converter, diags *diag.List) []Link {
	byURL := map[string]*Link{}
	add := func(src *diag.Source, off int, dest string) {
		if !isExternal(dest) {
			return
		}
		l := byURL[dest]
		if l == nil {
			l = &Link{URL: dest}
			byURL[dest] = l
		}
		line, col := src.Position(off)
		l.Places = append(l.Places, Place{File: src.Path, Line: line, Col: col})
	}
	doc := func(d *content.Doc) {
		md := conv.Parse(d.Body())
		for _, l := range append(md.Links, md.AutoLinks...) {
			add(d.Src, d.BodyOffset+l.Offset, l.Dest)
		}
	}
	for _, slug := range c.LetterSlugs {
		l := c.LoadLetter(slug, diags)
		if l == nil {
			continue
		}
		doc(l.Body)
		for _, d := range l.Annex {
			doc(d)
		}
	}
	for _, g := range c.Guides {
		if g.URL != "" {
			add(g.Src, g.URLOffset, g.URL)
		}
		doc(&g.Doc)
	}
	for _, p := range c.InfoPages {
		doc(&p.Doc)
	}
	out := make([]Link, 0, len(byURL))
	for _, l := range byURL {
		slices.SortFunc(l.Places, func(a, b Place) int {
			if c := strings.Compare(a.File, b.File); c != 0 {
				return c
			}
			return a.Line*1e6 + a.Col - (b.Line*1e6 + b.Col)
		})
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b Link) int { return strings.Compare(a.URL, b.URL) })
	return out
}

func isExternal(dest string) bool {
	u, err := url.Parse(dest)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Status is what checking one link found.
type Status struct {
	Link
	Code     int    `json:"code,omitempty"`     // the final HTTP status, 0 when there was no answer
	Final    string `json:"final,omitempty"`    // the address it ended at, when redirected
	Error    string `json:"error,omitempty"`    // why there was no answer (timeout, DNS …)
	Broken   bool   `json:"broken"`             // no answer, or 4xx/5xx
	Duration string `json:"duration,omitempty"` // how long the check took
}

// Options configure Check.
type Options struct {
	Timeout     time.Duration // per link, redirects included; 0 means 10 s
	Concurrency int           // requests in flight; 0 means 8
	Client      *http.Client  // nil means a client that follows up to 10 redirects
}

// Check checks every link and returns their statuses in the order of
// links.
func Check(ctx context.Context, links []Link, opts Options) []Status {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{}
	}
	out := make([]Status, len(links))
	_ = pool.Each(links, opts.Concurrency, func(i int, l Link) error {
		out[i] = check(ctx, client, l, opts.Timeout)
		return nil
	})
	return out
}

// check asks for one link: HEAD, then GET when the server does not allow
// HEAD (405, 501) or refuses it where browsers are let in (403).
func check(ctx context.Context, client *http.Client, l Link, timeout time.Duration) Status {
	start := time.Now()
	st := Status{Link: l}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp, err := request(ctx, client, http.MethodHead, l.URL)
	if err == nil && (resp.StatusCode == http.StatusMethodNotAllowed || resp.StatusCode == http.StatusNotImplemented || resp.StatusCode == http.StatusForbidden) {
		resp, err = request(ctx, client, http.MethodGet, l.URL)
	}
	st.Duration = time.Since(start).Round(time.Millisecond).String()
	if err != nil {
		st.Broken = true
		st.Error = describe(err, timeout)
		return st
	}
	st.Code = resp.StatusCode
	if final := resp.Request.URL.String(); final != l.URL {
		st.Final = final
	}
	st.Broken = resp.StatusCode >= 400
	return st
}

func request(ctx context.Context, client *http.Client, method, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "ledenbrief-links (link check for an editor's review)")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp, nil
}

// describe says in words why a link gave no answer.
func describe(err error, timeout time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %v", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

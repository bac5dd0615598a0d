package main

import (
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"ledenbrief/internal/build"
	"ledenbrief/internal/serve"
)

// previewURLs returns the addresses at which a browser reaches the
// preview listening on addr: for an unspecified address (0.0.0.0, ::)
// this machine's own addresses on each network, which a phone on the
// same network can open, and localhost.
func previewURLs(addr net.Addr) []string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return []string{"http://" + addr.String() + "/"}
	}
	port := strconv.Itoa(tcp.Port)
	urls := []string{"http://localhost:" + port + "/"}
	ifaces, _ := net.InterfaceAddrs()
	for _, a := range ifaces {
		ipnet, ok := a.(*net.IPNet)
		if !ok || ipnet.IP.IsLoopback() || ipnet.IP.IsLinkLocalUnicast() || ipnet.IP.IsMulticast() {
			continue
		}
		if tcp.IP.To4() != nil && ipnet.IP.To4() == nil { // listening on IPv4 only
			continue
		}
		urls = append(urls, "http://"+net.JoinHostPort(ipnet.IP.String(), port)+"/")
	}
	return urls
}

func runServe(args []string, stderr io.Writer) int {
	var bf buildFlags
	fs := newFlagSet("serve", stderr, &bf, false)
	addr := fs.String("addr", "127.0.0.1:1313", "`address` to listen on; anything but loopback makes the preview reachable by others")
	out := fs.String("out", "", "output `folder` to build into (default: a folder in the build cache, kept for the next run; with --no-cache, a temporary folder removed at the end)")
	if code, ok := parsePipelineFlags(fs, &bf, "serve", args, stderr); !ok {
		return code
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief serve: --addr: %v\n", err)
		return 2
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(stderr, "ledenbrief serve: warning: listening on %s, not only on this computer: others on the network can see the preview\n", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief serve: %v\n", err)
		return 1
	}
	// The preview is built with the site's own address (base_url, or
	// --base-url), not the one it is served on: its pages are those the
	// site will publish, and a preview started on another port takes them
	// from the build cache. The server leads the links of the page for a
	// missing address (404.html, the one page with absolute links) back
	// into the preview.
	bf.opts.Out = *out
	// In the build cache, the next run lends what did not change.
	if bf.opts.Out == "" && bf.opts.Cache != "" {
		if folder, release, err := build.PreviewFolder(bf.opts.Cache, bf.opts.Content, bf.opts.BaseURL); err == nil {
			defer release()
			bf.opts.Out = folder
		}
	}
	if bf.opts.Out == "" {
		tmp, err := os.MkdirTemp("", "ledenbrief-serve-")
		if err != nil {
			fmt.Fprintf(stderr, "ledenbrief serve: %v\n", err)
			return 1
		}
		defer os.RemoveAll(tmp)
		bf.opts.Out = filepath.Join(tmp, "public")
	}
	previewGC()
	ctx, interrupted := onInterrupt()
	s := serve.New(bf.opts, func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) })
	defer s.Close()
	s.Rebuild(ctx)
	dirs := []string{bf.opts.Content}
	if bf.opts.ThemeDir != "" {
		dirs = append(dirs, filepath.Join(bf.opts.ThemeDir, "templates"), filepath.Join(bf.opts.ThemeDir, "assets"))
	}
	go func() {
		if err := s.Watch(ctx, dirs...); err != nil {
			fmt.Fprintf(stderr, "ledenbrief serve: watching %v: %v\n", dirs, err)
		}
	}()
	fmt.Fprintf(stderr, "ledenbrief: serving the preview on %s — it rebuilds on every save; Ctrl-C stops\n", strings.Join(previewURLs(ln.Addr()), " and "))
	if err := s.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "ledenbrief serve: %v\n", err)
		return 1
	}
	if code := interrupted(); code != 0 {
		fmt.Fprintln(stderr, "ledenbrief: preview stopped")
	}
	return 0
}

// previewGC sets the garbage collector for the preview, unless GOGC or
// GOMEMLIMIT say otherwise. The preview holds the site it serves for as
// long as it runs (its letters, their outlines and searchable units, the
// search index), more than a build's soft memory limit at a few thousand
// letters: under that limit the collector would run without end. It
// collects when the heap doubled instead.
func previewGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(100)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(math.MaxInt64)
	}
}

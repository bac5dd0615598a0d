package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"ledenbrief/internal/diag"
	"ledenbrief/internal/editdist"
)

// newFlags returns the flag set of a command. Its help (-h, --help)
// prints the command's synopsis from the command table and every flag
// as it is written on the command line, with two dashes and the name of
// its argument.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printCommandHelp(fs, name) }
	return fs
}

// synopsis is how a command is called, from the command table: the one
// place a command's arguments are written (--help, usage errors and the
// README's command block all show it).
func synopsis(name string) string {
	for _, c := range commands {
		if c.name == name {
			return strings.TrimSpace("ledenbrief " + c.name + " " + c.args)
		}
	}
	return "ledenbrief " + name
}

// printCommandHelp writes a command's synopsis, summary and flags.
func printCommandHelp(fs *flag.FlagSet, name string) {
	w := fs.Output()
	top, _, _ := strings.Cut(name, " ")
	for _, c := range commands {
		if c.name == top {
			fmt.Fprintf(w, "Usage: %s\n\n%s.\n", synopsis(top), upperFirst(c.summary))
		}
	}
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprintln(w, "\nFlags:")
			first = false
		}
		arg, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		switch arg {
		case "":
		case "folder":
			line += " DIR"
		default:
			line += " " + strings.ToUpper(arg)
		}
		fmt.Fprintf(w, "%s\n      %s", line, usage)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// langFlag adds --lang to fs: the language of the messages about the
// content. Read it with messageLang after parsing.
func langFlag(fs *flag.FlagSet) *string {
	return fs.String("lang", "", "`language` of the messages about the content: nl (Dutch, the default) or en; also "+diag.LangEnv)
}

// messageLang returns the language --lang names, or LEDENBRIEF_LANG's
// when --lang is not given; false (with the reason printed) when it is
// none of ours.
func messageLang(flagValue, command string, stderr io.Writer) (diag.Lang, bool) {
	if flagValue == "" {
		return diag.LangFromEnv(), true
	}
	lang, err := diag.ParseLang(flagValue)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief %s: --lang: %v\n", command, err)
		return lang, false
	}
	return lang, true
}

// suggestCommand returns the command most like a mistyped one ("biuld",
// "serv", "verfy"), or "" when none is alike enough.
func suggestCommand(typed string) string {
	best, bestDist := "", 3
	for _, c := range commands {
		d := editdist.Distance(strings.ToLower(typed), c.name)
		if strings.HasPrefix(c.name, strings.ToLower(typed)) && len(typed) >= 2 {
			d = 1
		}
		if d < bestDist || d == bestDist && c.name < best {
			best, bestDist = c.name, d
		}
	}
	if bestDist > len(typed)/2+1 {
		return ""
	}
	return best
}

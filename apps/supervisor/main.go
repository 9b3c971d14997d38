// Command supervisor starts the programs of a container image, restarts
// any that exits, and stops them all when the container is stopped.
//
// It is meant to be PID 1: it reaps every child, forwards SIGTERM and
// SIGINT to each program's process group, and kills what has not exited
// after the grace period. See README.md for the configuration file.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "supervisor:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	set := flag.NewFlagSet("supervisor", flag.ContinueOnError)
	set.SetOutput(stderr)
	configPath := set.String("config", "/app/etc/supervisor.json", "path of the JSON configuration")
	check := set.Bool("check", false, "read the configuration, render nothing, start nothing, and exit")
	if err := set.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return err
	}
	if set.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (all options are flags; see --help)", set.Arg(0))
	}

	config, err := LoadConfig(*configPath, os.LookupEnv)
	if err != nil {
		return err
	}
	if *check {
		fmt.Fprintf(stdout, "%s: %d programs, %d templates\n", *configPath, len(config.Programs), len(config.Templates))
		return nil
	}
	if err := RenderTemplates(config.Templates, os.LookupEnv); err != nil {
		return err
	}
	supervisor, err := New(config, os.Environ(), stdout)
	if err != nil {
		return err
	}
	return supervisor.Run()
}

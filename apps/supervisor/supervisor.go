package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Restart back-off: a program that exits within stableAfter of its start
// waits twice as long as last time before its next start, up to maxBackoff.
const (
	firstBackoff = time.Second
	maxBackoff   = 30 * time.Second
	stableAfter  = 10 * time.Second
)

// Supervisor runs programs, restarts them when they exit and stops them
// all on SIGTERM or SIGINT. It reaps every child itself (it may be PID 1
// of a container, where orphans are re-parented to it), so it never uses
// os/exec's Wait.
type Supervisor struct {
	programs []Program
	grace    time.Duration
	env      []string
	log      *lineWriter

	running  map[int]*state // by pid
	byName   map[string]*state
	stopping bool
}

type state struct {
	program Program
	pid     int
	started time.Time
	backoff time.Duration
}

// lineWriter writes whole lines to one output from many goroutines.
type lineWriter struct {
	mu  sync.Mutex
	out io.Writer
}

func (w *lineWriter) line(prefix, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.out, "%s: %s\n", prefix, text)
}

func (w *lineWriter) printf(format string, args ...any) {
	w.line("supervisor", fmt.Sprintf(format, args...))
}

// New returns a supervisor for the programs of config whose executables
// exist; optional ones that are absent are logged and left out.
func New(config Config, env []string, output io.Writer) (*Supervisor, error) {
	s := &Supervisor{
		grace:   config.StopGrace(),
		env:     env,
		log:     &lineWriter{out: output},
		running: map[int]*state{},
		byName:  map[string]*state{},
	}
	var problems []error
	for _, program := range config.Programs {
		if _, err := os.Stat(program.Command[0]); err != nil {
			if program.AbsentReason != "" {
				s.log.line(program.Name, "not included ("+program.AbsentReason+")")
				continue
			}
			problems = append(problems, fmt.Errorf("program %s: %w (fix its command[0])", program.Name, err))
			continue
		}
		s.programs = append(s.programs, program)
	}
	return s, errors.Join(problems...)
}

// Run starts every program and supervises until a stop signal arrives
// and every program has exited. It returns nil when all exited within the
// grace period and an error when some had to be killed.
func (s *Supervisor) Run() error {
	signals := make(chan os.Signal, 16)
	signal.Notify(signals, syscall.SIGCHLD, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(signals)
	restarts := make(chan string, 16)

	for _, program := range s.programs {
		st := &state{program: program, backoff: firstBackoff}
		s.byName[program.Name] = st
		s.start(st, restarts)
	}

	var killTimer <-chan time.Time
	for {
		if s.stopping && len(s.running) == 0 {
			s.log.printf("all programs stopped")
			return nil
		}
		select {
		case sig := <-signals:
			switch sig {
			case syscall.SIGCHLD:
				s.reap(restarts)
			default:
				if !s.stopping {
					s.log.printf("received %s, stopping %d programs (grace %s)", sig, len(s.running), s.grace)
					s.stopping = true
					s.signalAll(syscall.SIGTERM)
					killTimer = time.After(s.grace)
				}
			}
		case name := <-restarts:
			if !s.stopping {
				s.start(s.byName[name], restarts)
			}
		case <-killTimer:
			left := len(s.running)
			s.log.printf("grace period over, killing %d programs", left)
			s.signalAll(syscall.SIGKILL)
			s.waitAll()
			return fmt.Errorf("%d programs did not stop within %s and were killed", left, s.grace)
		}
	}
}

// start launches a program in its own process group, its output
// prefixed with its name. A program that cannot start is retried like
// one that exited.
func (s *Supervisor) start(st *state, restarts chan<- string) {
	reader, writer, err := os.Pipe()
	if err != nil {
		s.log.printf("%s: creating its output pipe: %v", st.program.Name, err)
		s.scheduleRestart(st, restarts)
		return
	}
	env := s.env
	for name, value := range st.program.Env {
		env = append(env[:len(env):len(env)], name+"="+value)
	}
	pid, err := syscall.ForkExec(st.program.Command[0], st.program.Command, &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{devNull(), writer.Fd(), writer.Fd()},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	writer.Close()
	if err != nil {
		reader.Close()
		s.log.printf("%s: starting %s: %v", st.program.Name, st.program.Command[0], err)
		s.scheduleRestart(st, restarts)
		return
	}

	st.pid = pid
	st.started = time.Now()
	s.running[pid] = st
	s.log.printf("%s: started (pid %d)", st.program.Name, pid)
	go s.copyLines(st.program.Name, reader)
}

func (s *Supervisor) copyLines(name string, reader *os.File) {
	defer reader.Close()
	lines := bufio.NewReader(reader)
	for {
		text, err := lines.ReadString('\n')
		if len(text) > 0 {
			if text[len(text)-1] == '\n' {
				text = text[:len(text)-1]
			}
			s.log.line(name, text)
		}
		if err != nil {
			return
		}
	}
}

// reap collects every exited child; supervised ones are restarted.
func (s *Supervisor) reap(restarts chan<- string) {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
		st, ok := s.running[pid]
		if !ok {
			continue // an orphan re-parented to us
		}
		delete(s.running, pid)
		ran := time.Since(st.started).Round(10 * time.Millisecond)
		if s.stopping {
			s.log.printf("%s: stopped (%s)", st.program.Name, describe(status))
			continue
		}
		if ran >= stableAfter {
			st.backoff = firstBackoff
		}
		s.log.printf("%s: exited (%s) after %s, restarting in %s",
			st.program.Name, describe(status), ran, st.backoff)
		s.scheduleRestart(st, restarts)
	}
}

func (s *Supervisor) scheduleRestart(st *state, restarts chan<- string) {
	delay := st.backoff
	st.backoff = min(2*st.backoff, maxBackoff)
	time.AfterFunc(delay, func() { restarts <- st.program.Name })
}

// signalAll sends sig to each running program's process group, so helper
// processes a program started stop with it.
func (s *Supervisor) signalAll(sig syscall.Signal) {
	for pid := range s.running {
		if err := syscall.Kill(-pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			s.log.printf("%s: sending %s: %v", s.running[pid].program.Name, sig, err)
		}
	}
}

// waitAll blocks until every running program has been reaped.
func (s *Supervisor) waitAll() {
	for len(s.running) > 0 {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, 0, nil)
		if err != nil {
			return
		}
		if st, ok := s.running[pid]; ok {
			s.log.printf("%s: killed (%s)", st.program.Name, describe(status))
			delete(s.running, pid)
		}
	}
}

func describe(status syscall.WaitStatus) string {
	if status.Signaled() {
		return "signal " + status.Signal().String()
	}
	return fmt.Sprintf("exit status %d", status.ExitStatus())
}

var devNullFile *os.File

func devNull() uintptr {
	if devNullFile == nil {
		file, err := os.Open(os.DevNull)
		if err != nil {
			// ForkExec closes a descriptor given as -1: the child then
			// starts with no stdin rather than not at all.
			return ^uintptr(0)
		}
		devNullFile = file
	}
	return devNullFile.Fd()
}

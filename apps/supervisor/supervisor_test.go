package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests run the test binary itself as the supervisor process, so a
// real process receives real signals and reaps real children.
func TestMain(m *testing.M) {
	if os.Getenv("SUPERVISOR_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer safe to read while the child writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type runningSupervisor struct {
	cmd    *exec.Cmd
	output *syncBuffer
	done   chan error
}

func startSupervisor(t *testing.T, config string) *runningSupervisor {
	t.Helper()
	path := writeConfig(t, config)
	output := &syncBuffer{}
	cmd := exec.Command(os.Args[0], "--config="+path)
	cmd.Env = append(os.Environ(), "SUPERVISOR_TEST_RUN_MAIN=1")
	cmd.Stdout = output
	cmd.Stderr = output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	running := &runningSupervisor{cmd: cmd, output: output, done: make(chan error, 1)}
	go func() { running.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-running.done
		running.done <- nil
	})
	return running
}

// waitFor polls the output until pattern matches and returns its groups.
func (r *runningSupervisor) waitFor(t *testing.T, pattern string) []string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if match := re.FindStringSubmatch(r.output.String()); match != nil {
			return match
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("output never matched %q:\n%s", pattern, r.output.String())
	return nil
}

func (r *runningSupervisor) stop(t *testing.T, timeout time.Duration) (time.Duration, error) {
	t.Helper()
	started := time.Now()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-r.done:
		r.done <- err
		return time.Since(started), err
	case <-time.After(timeout):
		t.Fatalf("supervisor did not exit within %s of SIGTERM:\n%s", timeout, r.output.String())
		return 0, nil
	}
}

func shellProgram(name, script string) string {
	return fmt.Sprintf(`{"name": %q, "command": ["/bin/sh", "-c", %q]}`, name, script)
}

func TestSupervisorRestartsAProgramThatExits(t *testing.T) {
	s := startSupervisor(t, `{"programs": [`+shellProgram("worker", "echo ready; exec sleep 60")+`]}`)
	first := s.waitFor(t, `supervisor: worker: started \(pid (\d+)\)`)
	s.waitFor(t, `worker: ready`)
	pid, _ := strconv.Atoi(first[1])

	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}

	s.waitFor(t, `worker: exited \(signal killed\) after \S+, restarting in 1s`)
	second := s.waitFor(t, `worker: started \(pid (\d+)\)[\s\S]*worker: started \(pid (\d+)\)`)
	if second[2] == first[1] {
		t.Fatalf("restarted worker has the old pid %s", second[2])
	}
	if err := syscall.Kill(mustAtoi(t, second[2]), 0); err != nil {
		t.Fatalf("restarted worker pid %s is not running: %v", second[2], err)
	}
}

func TestSupervisorGivesEachProgramItsOwnVariables(t *testing.T) {
	s := startSupervisor(t, `{"programs": [
		{"name": "a", "command": ["/bin/sh", "-c", "echo listen=$LISTEN; exec sleep 60"], "env": {"LISTEN": "127.0.0.1:${PORT:-8700}"}},
		{"name": "b", "command": ["/bin/sh", "-c", "echo listen=$LISTEN.; exec sleep 60"]}]}`)

	s.waitFor(t, `(?m)^a: listen=127\.0\.0\.1:8700$`)
	s.waitFor(t, `(?m)^b: listen=\.$`)
}

func TestSupervisorStopsEveryProgramOnSigterm(t *testing.T) {
	s := startSupervisor(t, `{"programs": [`+
		shellProgram("one", "echo ready; exec sleep 60")+`, `+
		shellProgram("two", "trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.1; done")+`]}`)
	s.waitFor(t, `one: ready`)
	s.waitFor(t, `two: ready`)

	took, err := s.stop(t, 5*time.Second)

	if err != nil {
		t.Fatalf("supervisor exited with %v after SIGTERM, want status 0:\n%s", err, s.output.String())
	}
	if took > 3*time.Second {
		t.Errorf("stopping took %s, want well under the 8 s grace", took)
	}
	output := s.output.String()
	for _, want := range []string{"received terminated", "one: stopped (signal terminated)", "two: got TERM", "two: stopped (exit status 0)", "all programs stopped"} {
		if !strings.Contains(output, want) {
			t.Errorf("output lacks %q:\n%s", want, output)
		}
	}
}

func TestSupervisorKillsAProgramThatIgnoresSigtermAfterTheGrace(t *testing.T) {
	s := startSupervisor(t, `{"stop_grace_seconds": 0.5, "programs": [`+
		shellProgram("stubborn", "trap '' TERM; echo ready; while :; do sleep 0.1; done")+`]}`)
	s.waitFor(t, `stubborn: ready`)

	_, err := s.stop(t, 5*time.Second)

	if exitErr, ok := err.(*exec.ExitError); !ok || exitErr.ExitCode() != 1 {
		t.Fatalf("supervisor exited with %v, want exit status 1", err)
	}
	s.waitFor(t, `grace period over, killing 1 programs`)
	s.waitFor(t, `stubborn: killed \(signal killed\)`)
	s.waitFor(t, `1 programs did not stop within 500ms and were killed`)
}

func TestSupervisorSaysPlainlyWhichOptionalProgramIsAbsent(t *testing.T) {
	absent := filepath.Join(t.TempDir(), "envoy")
	s := startSupervisor(t, `{"programs": [`+shellProgram("router", "echo ready; exec sleep 60")+`,
		{"name": "envoy", "command": [`+strconv.Quote(absent)+`], "absent_reason": "build arg ENVOY_IMAGE unset"}]}`)

	s.waitFor(t, `(?m)^envoy: not included \(build arg ENVOY_IMAGE unset\)$`)
	s.waitFor(t, `router: ready`)
	if _, err := s.stop(t, 5*time.Second); err != nil {
		t.Fatalf("supervisor exited with %v, want status 0", err)
	}
}

func TestSupervisorRefusesAMissingRequiredProgram(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "router")
	path := writeConfig(t, `{"programs": [{"name": "router", "command": [`+strconv.Quote(missing)+`]}]}`)
	cmd := exec.Command(os.Args[0], "--config="+path)
	cmd.Env = append(os.Environ(), "SUPERVISOR_TEST_RUN_MAIN=1")

	output, err := cmd.CombinedOutput()

	if exitErr, ok := err.(*exec.ExitError); !ok || exitErr.ExitCode() != 1 {
		t.Fatalf("supervisor exited with %v, want exit status 1", err)
	}
	want := "supervisor: program router: stat " + missing + ": no such file or directory (fix its command[0])"
	if !strings.Contains(string(output), want) {
		t.Fatalf("output %q lacks %q", output, want)
	}
}

func mustAtoi(t *testing.T, text string) int {
	t.Helper()
	value, err := strconv.Atoi(text)
	if err != nil {
		t.Fatal(err)
	}
	return value
}

// Command hostroll is the inventory of a prefecture's central government
// machine room: serve runs the API; migrate, demo and version are for
// operators and scripts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"os/user"
	"runtime/debug"
	"strings"
	"syscall"

	"hostroll/inventory"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

const usage = `usage: hostroll COMMAND [flags]

commands:
  serve     run the web API (applies pending migrations first)
  migrate   apply pending database migrations and exit
  poll      poll devices over SNMP once (all, or --device ID) and print a summary
  collect   run only the SNMP collector on its schedule (several may share PostgreSQL)
  demo      load the demo data set into an empty database
  check     run the policy checks and print the open findings by rule and by unit
  import    import KIND FILE [--dry-run]: load an .xlsx or .csv (exit 1, nothing written, on any error)
  export    export KIND [--format xlsx|csv] [--out FILE]: every record of a kind as a spreadsheet
  user      add, list, set, reset-password or reset-2fa of the users who sign in
  token     add, list or revoke API tokens
  ldap      test USER: look a user up in the directory (LDAP); seal-password for the bind password
  audit     audit verify: recompute the audit log's hash chain (exit 1 when broken)
  rekey     seal every stored secret again under a new key file (--new-key-file FILE)
  backup    copy a SQLite database while serve runs (--to FILE); PostgreSQL: use pg_dump
  version   print the version

Run 'hostroll COMMAND -h' for a command's flags.
Environment: HOSTROLL_DB (database URL), HOSTROLL_ADDR (listen address),
HOSTROLL_ACCEPTANCE_GRACE_DAYS (serve: days to request acceptance after a trial run, default 90),
HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED (serve: on or off; on = devices with an SNMP profile need an
answering poll to pass compliance, default on),
HOSTROLL_COST_OVERRUN_PERCENT, HOSTROLL_COST_OVERRUN_HIGH_PERCENT (serve, check: a settlement
more than this far over budget is a cost overrun, high past the second; default 10 and 20),
HOSTROLL_CHECK_SCHEDULE (cron spec of serve's policy checks, default "0 2 * * *", or off),
HOSTROLL_POLL_SCHEDULE, HOSTROLL_POLL_WORKERS (see README, "Polling devices"),
HOSTROLL_SECRET_KEY_FILE (key that seals SNMP secrets, see docs/auditor.md), HOSTROLL_TOKEN_PEPPER,
HOSTROLL_SECURE_COOKIES, HOSTROLL_SESSION_IDLE, HOSTROLL_SESSION_MAX, HOSTROLL_LOCKOUT_*,
HOSTROLL_2FA_ROLES (roles that must use a second factor, default admin), HOSTROLL_LDAP_* (directory
sign-in) (see docs/administrator.md).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(runIn(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole program without a stdin; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runIn(ctx, args, strings.NewReader(""), stdout, stderr)
}

// runIn is the whole program; it returns the exit code.
func runIn(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	w := streams{out: stdout, err: stderr, lang: cliLang()}
	// Every store call of a command is made, and audited, as cli:<os user>.
	ctx = inventory.WithActor(ctx, cliActor())
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], w, log)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], w)
	case "demo":
		err = cmdDemo(ctx, args[1:], w)
	case "check":
		err = cmdCheck(ctx, args[1:], w)
	case "user":
		err = cmdUser(ctx, args[1:], w, stdin)
	case "token":
		err = cmdToken(ctx, args[1:], w)
	case "ldap":
		err = cmdLDAP(ctx, args[1:], w, stdin)
	case "poll":
		err = cmdPoll(ctx, args[1:], w, log)
	case "collect":
		err = cmdCollect(ctx, args[1:], w, log)
	case "audit":
		err = cmdAudit(ctx, args[1:], w)
	case "rekey":
		err = cmdRekey(ctx, args[1:], w)
	case "import":
		err = cmdImport(ctx, args[1:], w)
	case "export":
		err = cmdExport(ctx, args[1:], w)
	case "backup":
		err = cmdBackup(ctx, args[1:], w)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "hostroll", buildVersion())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "hostroll: %s\n\n%s", w.t("cli.unknown_command", args[0]), usage)
		return 2
	}
	var exit *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		fmt.Fprintln(stderr, "hostroll:", exit.msg)
		return exit.code
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintln(stderr, "hostroll:", errorText(err, w.lang))
	return 1
}

// cliActor names the command line's caller in the audit log: cli:<os user>.
func cliActor() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	return "cli:" + name
}

// errUsage marks bad flags; the flag package has already said what is wrong.
var errUsage = errors.New("usage")

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}

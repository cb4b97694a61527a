package inventory

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBackupUnsupported is BackupTo on a database that hostroll does not copy
// itself: PostgreSQL has pg_dump for that.
var ErrBackupUnsupported = errors.New("online backup is for SQLite only")

// BackupTo writes a consistent copy of a SQLite database to file while other
// connections (a running serve) keep writing: VACUUM INTO reads one snapshot
// inside a read transaction, so the copy holds exactly the transactions
// committed before it began. The copy is written beside file under a
// temporary name and renamed into place, so file is either absent or whole;
// an existing file is never overwritten. The secret key file is not in the
// copy.
func (s *Store) BackupTo(ctx context.Context, file string) error {
	if s.dialect != SQLite {
		return ErrBackupUnsupported
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return fmt.Errorf("inventory: backup: %w", err)
	}
	if _, err := os.Lstat(abs); err == nil {
		return fmt.Errorf("inventory: backup: %s already exists: name a new file", abs)
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), ".hostroll-backup-*")
	if err != nil {
		return fmt.Errorf("inventory: backup: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	os.Remove(tmpName) // VACUUM INTO wants a name with no file (or an empty one)
	defer os.Remove(tmpName)
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, tmpName); err != nil {
		return dbErr(err, "backup")
	}
	if _, err := os.Lstat(abs); err == nil {
		return fmt.Errorf("inventory: backup: %s appeared while copying: name a new file", abs)
	}
	if err := os.Rename(tmpName, abs); err != nil {
		return fmt.Errorf("inventory: backup: %w", err)
	}
	return nil
}

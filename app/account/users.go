package account

import (
	"agent/app/store"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

const userColumns = "id, email, name, disabled, must_change_password, COALESCE(last_workspace_id, 0), created_at"

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created int64
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Disabled, &u.MustChangePassword, &u.LastWorkspaceID, &created)
	u.CreatedAt = unix(created)
	return u, err
}

// NewUser is what is needed to create a user.
type NewUser struct {
	Email    string
	Name     string
	Password string // "" => a one-time password is generated and must be changed at first login
}

// normalize trims the input and checks it, returning an *InputError for the first problem.
func (n *NewUser) normalize() error {
	n.Email = strings.TrimSpace(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	addr, err := mail.ParseAddress(n.Email)
	if err != nil || addr.Address != n.Email || len(n.Email) > 254 {
		return &InputError{Field: "email", Message: "is not a valid email address"}
	}
	if err := checkName("name", n.Name); err != nil {
		return err
	}
	if n.Password != "" {
		return CheckPasswordRules(n.Password)
	}
	return nil
}

func checkName(field, name string) error {
	if name == "" {
		return &InputError{Field: field, Message: "is required"}
	}
	if utf8.RuneCountInString(name) > 100 {
		return &InputError{Field: field, Message: "must be at most 100 characters"}
	}
	return nil
}

// HasUsers reports whether anyone can log in yet; while not, the product offers first-run setup.
func (m *Manager) HasUsers(ctx context.Context) (bool, error) {
	var n int
	if err := m.db.Read.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users)").Scan(&n); err != nil {
		return false, fmt.Errorf("account: count users: %w", err)
	}
	return n == 1, nil
}

// Setup creates the first user as owner of the first workspace. It fails with
// ErrAlreadySetUp once any user exists, checked inside the write transaction so two
// simultaneous setups cannot both win.
func (m *Manager) Setup(ctx context.Context, nu NewUser, workspace string) (User, Workspace, string, error) {
	workspace = strings.TrimSpace(workspace)
	if err := nu.normalize(); err != nil {
		return User{}, Workspace{}, "", err
	}
	if err := checkName("workspace", workspace); err != nil {
		return User{}, Workspace{}, "", err
	}
	password, hash, err := passwordFor(nu)
	if err != nil {
		return User{}, Workspace{}, "", err
	}
	now := m.now().Unix()
	var u User
	var w Workspace
	err = m.db.Tx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM users)").Scan(&exists); err != nil {
			return err
		}
		if exists == 1 {
			return ErrAlreadySetUp
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO workspaces (name, created_at) VALUES (?, ?)", workspace, now)
		if err != nil {
			return err
		}
		w = Workspace{Name: workspace, CreatedAt: unix(now)}
		w.ID, _ = res.LastInsertId()
		u, err = insertUser(ctx, tx, nu, hash, now)
		if err != nil {
			return err
		}
		return insertMembership(ctx, tx, w.ID, u.ID, RoleOwner, false, now)
	})
	if err != nil {
		return User{}, Workspace{}, "", wrap("setup", err)
	}
	return u, w, password, nil
}

// passwordFor returns the password to hand out ("" when the caller chose one) and its hash.
func passwordFor(nu NewUser) (generated, hash string, err error) {
	pw := nu.Password
	if pw == "" {
		pw = GeneratePassword()
		generated = pw
	}
	hash, err = HashPassword(pw)
	return generated, hash, err
}

func insertUser(ctx context.Context, tx *sql.Tx, nu NewUser, hash string, now int64) (User, error) {
	res, err := tx.ExecContext(ctx,
		"INSERT INTO users (email, name, password_hash, must_change_password, created_at) VALUES (?, ?, ?, ?, ?)",
		nu.Email, nu.Name, hash, nu.Password == "", now)
	if err != nil {
		if store.IsUniqueViolation(err) {
			return User{}, ErrEmailTaken
		}
		return User{}, err
	}
	id, _ := res.LastInsertId()
	return User{ID: id, Email: nu.Email, Name: nu.Name, MustChangePassword: nu.Password == "", CreatedAt: unix(now)}, nil
}

// Authenticate returns the user with this email and password. Unknown emails cost the
// same hashing work as known ones.
func (m *Manager) Authenticate(ctx context.Context, email, password string) (User, error) {
	email = strings.TrimSpace(email)
	if len(password) > MaxPasswordLen {
		return User{}, ErrBadCredentials
	}
	var hash string
	var u User
	var created int64
	err := m.db.Read.QueryRowContext(ctx,
		"SELECT "+userColumns+", password_hash FROM users WHERE email = ?", email).
		Scan(&u.ID, &u.Email, &u.Name, &u.Disabled, &u.MustChangePassword, &u.LastWorkspaceID, &created, &hash)
	u.CreatedAt = unix(created)
	if errors.Is(err, sql.ErrNoRows) {
		VerifyPassword(dummyHash, password)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("account: authenticate: %w", err)
	}
	if !VerifyPassword(hash, password) {
		return User{}, ErrBadCredentials
	}
	if u.Disabled {
		return User{}, ErrDisabled
	}
	return u, nil
}

// User returns one user.
func (m *Manager) User(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(m.db.Read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	return u, wrap("get user", err)
}

// UserByEmail returns the user with this email (case-insensitive).
func (m *Manager) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(m.db.Read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", strings.TrimSpace(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	return u, wrap("get user", err)
}

// Users lists every user of the install, for the command line.
func (m *Manager) Users(ctx context.Context) ([]User, error) {
	rows, err := m.db.Read.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
	if err != nil {
		return nil, wrap("list users", err)
	}
	defer rows.Close()
	var us []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap("list users", err)
		}
		us = append(us, u)
	}
	return us, wrap("list users", rows.Err())
}

// ChangePassword checks the current password, sets a new one and ends every session of
// the user, so a stolen session dies with the old password.
func (m *Manager) ChangePassword(ctx context.Context, userID int64, current, next string) error {
	var hash string
	err := m.db.Read.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = ?", userID).Scan(&hash)
	if err != nil {
		return wrap("change password", err)
	}
	if !VerifyPassword(hash, current) {
		return &InputError{Field: "current", Message: "is not your current password"}
	}
	if current == next {
		return &InputError{Field: "password", Message: "must differ from the current one"}
	}
	return m.SetPassword(ctx, userID, next, false)
}

// SetPassword replaces a user's password without checking the old one (admins and the
// command line) and ends all of the user's sessions. A one-time password must be
// changed at the next login.
func (m *Manager) SetPassword(ctx context.Context, userID int64, password string, oneTime bool) error {
	if err := CheckPasswordRules(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return wrap("set password", m.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?", hash, oneTime, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		return err
	}))
}

// SetDisabled disables or enables a user. Disabling ends the user's sessions at once.
func (m *Manager) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	return wrap("disable user", m.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE users SET disabled = ? WHERE id = ?", disabled, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if disabled {
			_, err = tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		}
		return err
	}))
}

// wrap adds the operation to an error; errors.Is and errors.As still see through it.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("account: %s: %w", op, err)
}

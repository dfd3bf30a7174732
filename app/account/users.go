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

const userColumns = "id, email, name, disabled, must_change_password, super_admin, COALESCE(last_workspace_id, 0), created_at"

// scanUser reads userColumns, then any extra columns into more.
func scanUser(row interface{ Scan(...any) error }, more ...any) (User, error) {
	var u User
	var created int64
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Disabled, &u.MustChangePassword, &u.SuperAdmin, &u.LastWorkspaceID, &created}, more...)...)
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
	n.Name = strings.TrimSpace(n.Name)
	var err error
	if n.Email, err = checkEmail(n.Email); err != nil {
		return err
	}
	if err := checkName("name", n.Name); err != nil {
		return err
	}
	if n.Password != "" {
		return CheckPasswordRules(n.Password)
	}
	return nil
}

// checkEmail returns the trimmed address, or an *InputError when it is not one.
func checkEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		return "", &InputError{Field: "email", Message: "is not a valid email address"}
	}
	return email, nil
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

// Setup creates the first user as owner of the first workspace and super admin of the
// install. It fails with
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
		u, err = insertUser(ctx, tx, nu, hash, true, now)
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

func insertUser(ctx context.Context, tx *sql.Tx, nu NewUser, hash string, superAdmin bool, now int64) (User, error) {
	res, err := tx.ExecContext(ctx,
		"INSERT INTO users (email, name, password_hash, must_change_password, super_admin, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		nu.Email, nu.Name, hash, nu.Password == "", superAdmin, now)
	if err != nil {
		if store.IsUniqueViolation(err) {
			return User{}, ErrEmailTaken
		}
		return User{}, err
	}
	id, _ := res.LastInsertId()
	return User{ID: id, Email: nu.Email, Name: nu.Name, MustChangePassword: nu.Password == "", SuperAdmin: superAdmin, CreatedAt: unix(now)}, nil
}

// Authenticate returns the user with this email and password. Unknown emails cost the
// same hashing work as known ones.
func (m *Manager) Authenticate(ctx context.Context, email, password string) (User, error) {
	email = strings.TrimSpace(email)
	if len(password) > MaxPasswordLen {
		return User{}, ErrBadCredentials
	}
	var hash string
	u, err := scanUser(m.db.Read.QueryRowContext(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE email = ?", email), &hash)
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

// ReplaceOneTimePassword sets the password of a user who logged in with a one-time
// password and must choose their own: their session proved the one-time password, so it
// is not asked again. A user without a one-time password must use ChangePassword.
func (m *Manager) ReplaceOneTimePassword(ctx context.Context, userID int64, next string) error {
	var hash string
	var oneTime bool
	err := m.db.Read.QueryRowContext(ctx, "SELECT password_hash, must_change_password FROM users WHERE id = ?", userID).Scan(&hash, &oneTime)
	if err != nil {
		return wrap("change password", err)
	}
	if !oneTime {
		return &InputError{Field: "current", Message: "is needed to change your password"}
	}
	if VerifyPassword(hash, next) {
		return &InputError{Field: "password", Message: "must differ from the one-time password"}
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

// SetDisabled disables or enables a user. Disabling ends the user's sessions at once; the
// last enabled super admin cannot be disabled. Who may do it is ManageAccount's question.
func (m *Manager) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	return wrap("disable user", m.db.Tx(ctx, func(tx *sql.Tx) error {
		if disabled {
			if err := ensureAnotherSuperAdmin(ctx, tx, userID); err != nil {
				return err
			}
		}
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

// SetSuperAdmin names a super admin or takes the role back, keeping at least one enabled
// super admin. Who may do it is ManageAccount's question (super admins, or the operator).
func (m *Manager) SetSuperAdmin(ctx context.Context, userID int64, on bool) error {
	return wrap("set super admin", m.db.Tx(ctx, func(tx *sql.Tx) error {
		if !on {
			if err := ensureAnotherSuperAdmin(ctx, tx, userID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, "UPDATE users SET super_admin = ? WHERE id = ?", on, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	}))
}

// ensureAnotherSuperAdmin fails with ErrLastSuperAdmin when userID is the install's only
// enabled super admin, so that someone can always manage accounts from the web.
func ensureAnotherSuperAdmin(ctx context.Context, tx *sql.Tx, userID int64) error {
	var isSuper, others int
	err := tx.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM users WHERE id = ? AND super_admin = 1),
		(SELECT count(*) FROM users WHERE super_admin = 1 AND disabled = 0 AND id != ?)`, userID, userID).Scan(&isSuper, &others)
	if err != nil {
		return err
	}
	if isSuper == 1 && others == 0 {
		return ErrLastSuperAdmin
	}
	return nil
}

// Account is a user with every workspace they belong to, for the Install page and
// `agent user list`.
type Account struct {
	User
	Memberships []AccountMembership
}

// AccountMembership is one workspace an account belongs to, with its role there.
type AccountMembership struct {
	Workspace Workspace
	Role      Role
}

// Accounts lists every account of the install with its workspaces, by email.
func (m *Manager) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := m.db.Read.QueryContext(ctx, `SELECT u.id, u.email, u.name, u.disabled, u.must_change_password, u.super_admin,
		COALESCE(u.last_workspace_id, 0), u.created_at, COALESCE(w.id, 0), COALESCE(w.name, ''), COALESCE(w.created_at, 0), COALESCE(ms.role, '')
		FROM users u LEFT JOIN memberships ms ON ms.user_id = u.id LEFT JOIN workspaces w ON w.id = ms.workspace_id
		ORDER BY u.email, w.name, w.id`)
	if err != nil {
		return nil, wrap("list accounts", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var w Workspace
		var wsCreated int64
		var role Role
		u, err := scanUser(rows, &w.ID, &w.Name, &wsCreated, &role)
		if err != nil {
			return nil, wrap("list accounts", err)
		}
		if len(out) == 0 || out[len(out)-1].ID != u.ID {
			out = append(out, Account{User: u})
		}
		if w.ID != 0 {
			w.CreatedAt = unix(wsCreated)
			a := &out[len(out)-1]
			a.Memberships = append(a.Memberships, AccountMembership{Workspace: w, Role: role})
		}
	}
	return out, wrap("list accounts", rows.Err())
}

// wrap adds the operation to an error; errors.Is and errors.As still see through it.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("account: %s: %w", op, err)
}

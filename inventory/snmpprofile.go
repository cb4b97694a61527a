package inventory

import (
	"context"

	"hostroll/fold"
)

// SNMP versions and the v3 protocols hostroll polls with (authPriv only).
var (
	SNMPVersions       = []string{"2c", "3"}
	SNMPAuthProtocols  = []string{"SHA", "SHA-256"}
	SNMPPrivProtocols  = []string{"AES"}
	minSNMPv3PassBytes = 8 // RFC 3414: shorter passphrases are refused by agents
)

// SNMPProfile is how the collector talks to a device. The community and the
// passphrases are write-only: they are stored and used, never returned; the
// Has* fields say whether one is set.
type SNMPProfile struct {
	ID                int64  `db:"id" json:"id"`
	Name              string `db:"name" json:"name"`
	Version           string `db:"version" json:"version"`
	Username          string `db:"username" json:"username"`
	AuthProtocol      string `db:"auth_protocol" json:"auth_protocol"`
	PrivProtocol      string `db:"priv_protocol" json:"priv_protocol"`
	Port              int    `db:"port" json:"port"`
	TimeoutMS         int    `db:"timeout_ms" json:"timeout_ms"`
	Retries           int    `db:"retries" json:"retries"`
	MaxRepetitions    int    `db:"max_repetitions" json:"max_repetitions"`
	HasCommunity      bool   `db:"has_community" json:"has_community"`
	HasAuthPassphrase bool   `db:"has_auth_passphrase" json:"has_auth_passphrase"`
	HasPrivPassphrase bool   `db:"has_priv_passphrase" json:"has_priv_passphrase"`

	Community      Secret `db:"community" json:"-"`
	AuthPassphrase Secret `db:"auth_passphrase" json:"-"`
	PrivPassphrase Secret `db:"priv_passphrase" json:"-"`
}

// SNMPProfileInput creates or patches a profile. A secret left out of a patch
// keeps its stored value.
type SNMPProfileInput struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	Community      Secret `json:"community"`
	Username       string `json:"username"`
	AuthProtocol   string `json:"auth_protocol"`
	AuthPassphrase Secret `json:"auth_passphrase"`
	PrivProtocol   string `json:"priv_protocol"`
	PrivPassphrase Secret `json:"priv_passphrase"`
	Port           int    `json:"port"`
	TimeoutMS      int    `json:"timeout_ms"`
	Retries        int    `json:"retries"`
	MaxRepetitions int    `json:"max_repetitions"`
}

// DefaultSNMPProfileInput is the base a new profile's JSON is read onto.
func DefaultSNMPProfileInput() SNMPProfileInput {
	return SNMPProfileInput{Version: "2c", Port: 161, TimeoutMS: 2000, Retries: 1, MaxRepetitions: 25}
}

// Validate checks the fields: a v2c profile needs a community; a v3 profile a
// user with SHA or SHA-256 authentication and AES privacy (authPriv).
func (in *SNMPProfileInput) Validate() error {
	trim(&in.Name, &in.Username)
	ve := &ValidationError{}
	checkRequired(ve, "name", in.Name, 100)
	checkEnum(ve, "version", in.Version, SNMPVersions)
	switch in.Version {
	case "2c":
		if in.Community == "" {
			ve.Add("community", "err.snmpprofile.community.required_snmp_c")
		}
		// v3 settings do not apply; drop them so none linger unseen.
		in.Username, in.AuthProtocol, in.PrivProtocol = "", "", ""
		in.AuthPassphrase, in.PrivPassphrase = "", ""
	case "3":
		checkRequired(ve, "username", in.Username, 64)
		checkEnum(ve, "auth_protocol", in.AuthProtocol, SNMPAuthProtocols)
		checkEnum(ve, "priv_protocol", in.PrivProtocol, SNMPPrivProtocols)
		if len(in.AuthPassphrase) < minSNMPv3PassBytes {
			ve.Add("auth_passphrase", "err.snmpprofile.auth_passphrase.required_snmp_least", minSNMPv3PassBytes)
		}
		if len(in.PrivPassphrase) < minSNMPv3PassBytes {
			ve.Add("priv_passphrase", "err.snmpprofile.auth_passphrase.required_snmp_least", minSNMPv3PassBytes)
		}
		in.Community = ""
	}
	checkMaxLen(ve, "community", string(in.Community), 128)
	checkMaxLen(ve, "auth_passphrase", string(in.AuthPassphrase), 128)
	checkMaxLen(ve, "priv_passphrase", string(in.PrivPassphrase), 128)
	checkRange(ve, "port", in.Port, 1, 65535)
	checkRange(ve, "timeout_ms", in.TimeoutMS, 1, 60000)
	checkRange(ve, "retries", in.Retries, 0, 10)
	checkRange(ve, "max_repetitions", in.MaxRepetitions, 1, 1000)
	return ve.Err()
}

var snmpProfileList = listSpec{
	filters: map[string]filter{
		"version":       {col: "version", kind: filterEnum, allowed: SNMPVersions},
		"auth_protocol": {col: "auth_protocol", kind: filterEnum, allowed: SNMPAuthProtocols},
		"priv_protocol": {col: "priv_protocol", kind: filterEnum, allowed: SNMPPrivProtocols},
	},
	search: []string{"name"},
}

var snmpProfiles = &resource[SNMPProfile, SNMPProfileInput]{
	entity: "snmp_profile",
	table:  "snmp_profiles",
	cols: `id, name, version, username, auth_protocol, priv_protocol, port, timeout_ms, retries,
		max_repetitions, community, auth_passphrase, priv_passphrase,
		CASE WHEN community <> '' THEN 1 ELSE 0 END AS has_community,
		CASE WHEN auth_passphrase <> '' THEN 1 ELSE 0 END AS has_auth_passphrase,
		CASE WHEN priv_passphrase <> '' THEN 1 ELSE 0 END AS has_priv_passphrase`,
	input: func(p SNMPProfile) SNMPProfileInput {
		return SNMPProfileInput{Name: p.Name, Version: p.Version, Community: p.Community, Username: p.Username,
			AuthProtocol: p.AuthProtocol, AuthPassphrase: p.AuthPassphrase, PrivProtocol: p.PrivProtocol,
			PrivPassphrase: p.PrivPassphrase, Port: p.Port, TimeoutMS: p.TimeoutMS, Retries: p.Retries,
			MaxRepetitions: p.MaxRepetitions}
	},
	check: func(tx *txn, in *SNMPProfileInput, self int64, old *SNMPProfile) error {
		if err := in.openStored(tx.key, old); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		other, err := taken(tx, `SELECT id FROM snmp_profiles WHERE name_fold = ? AND id <> ?`, fold.Key(in.Name), self)
		if err != nil {
			return dbErr(err, "check profile name")
		}
		if other != 0 {
			return conflict("name", "err.snmpprofile.name.snmp_profile_name", in.Name, other)
		}
		return nil
	},
	insert: func(tx *txn, in *SNMPProfileInput) (int64, error) {
		args, err := in.sealedArgs(tx)
		if err != nil {
			return 0, err
		}
		return tx.insert(`INSERT INTO snmp_profiles (name, version, community, username, auth_protocol,
			auth_passphrase, priv_protocol, priv_passphrase, port, timeout_ms, retries, max_repetitions)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	},
	update: func(tx *txn, id int64, in *SNMPProfileInput) error {
		args, err := in.sealedArgs(tx)
		if err != nil {
			return err
		}
		return tx.exec(`UPDATE snmp_profiles SET name = ?, version = ?, community = ?, username = ?,
			auth_protocol = ?, auth_passphrase = ?, priv_protocol = ?, priv_passphrase = ?, port = ?,
			timeout_ms = ?, retries = ?, max_repetitions = ? WHERE id = ?`, append(args, id)...)
	},
	dependants: []dependant{{"devices", "snmp_profile_id", "devices"}},
	folded: &folded[SNMPProfileInput]{cols: []string{"name_fold"},
		vals: func(in *SNMPProfileInput) []any { return []any{fold.Key(in.Name)} }},
}

// sealedArgs are the columns of the profile with its secrets sealed under the
// store's key (the empty secret stays empty).
func (in *SNMPProfileInput) sealedArgs(tx *txn) ([]any, error) {
	var sealed [3]string
	for i, v := range []Secret{in.Community, in.AuthPassphrase, in.PrivPassphrase} {
		if v == "" {
			continue
		}
		k, err := tx.sealKey()
		if err != nil {
			return nil, err
		}
		if sealed[i], err = k.Seal(v.Reveal()); err != nil {
			return nil, err
		}
	}
	return []any{in.Name, in.Version, sealed[0], in.Username, in.AuthProtocol,
		sealed[1], in.PrivProtocol, sealed[2], in.Port, in.TimeoutMS,
		in.Retries, in.MaxRepetitions}, nil
}

// SNMPProfile returns one profile; its secrets stay sealed (the collector
// opens them through PollTarget) and its JSON form never carries them.
func (s *Store) SNMPProfile(ctx context.Context, id int64) (SNMPProfile, error) {
	return snmpProfiles.get(ctx, s.db, id)
}

// SNMPProfiles lists profiles; filters: version, auth_protocol, priv_protocol;
// q searches the name.
func (s *Store) SNMPProfiles(ctx context.Context, p ListParams) ([]SNMPProfile, int, error) {
	return snmpProfiles.list(ctx, s, snmpProfileList, p)
}

// CreateSNMPProfile adds a profile.
func (s *Store) CreateSNMPProfile(ctx context.Context, in SNMPProfileInput) (SNMPProfile, error) {
	return snmpProfiles.create(ctx, s, in)
}

// UpdateSNMPProfile applies a patch to a profile.
func (s *Store) UpdateSNMPProfile(ctx context.Context, id int64, apply func(*SNMPProfileInput) error) (SNMPProfile, error) {
	return snmpProfiles.patch(ctx, s, id, apply)
}

// DeleteSNMPProfile removes a profile no device uses.
func (s *Store) DeleteSNMPProfile(ctx context.Context, id int64) error {
	return snmpProfiles.remove(ctx, s, id)
}

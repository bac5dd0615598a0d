package manifest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// EndorsementName is the file of a site whose signing key was rotated:
// the new public key, signed by the previous one, so that a mirror that
// trusts the previous key comes to trust the new one. It is listed in
// the manifest like any file of the site.
const EndorsementName = "signing-key.json"

// endorsementContext is signed with the new key, so that an endorsement
// cannot be taken for a signature of anything else.
const endorsementContext = "ledenbrief signing key endorsement v1\n"

// Endorsement says that the key By vouches for the key Key: Signature is
// By's signature of endorsementContext followed by Key. Keys and the
// signature are standard base64.
type Endorsement struct {
	Key       string `json:"key"`
	By        string `json:"endorsed_by"`
	Signature string `json:"signature"`
}

// Endorse returns the endorsement file in which previous vouches for
// next, as EndorsementName holds it.
func Endorse(previous ed25519.PrivateKey, next ed25519.PublicKey) []byte {
	e := Endorsement{
		Key:       base64.StdEncoding.EncodeToString(next),
		By:        base64.StdEncoding.EncodeToString(previous.Public().(ed25519.PublicKey)),
		Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(previous, append([]byte(endorsementContext), next...))),
	}
	data, _ := json.MarshalIndent(e, "", "  ")
	return append(data, '\n')
}

// Endorsed returns the key that the endorsement file data says trusted
// vouches for; an error when it is malformed, made by another key, or its
// signature is not trusted's.
func Endorsed(trusted ed25519.PublicKey, data []byte) (ed25519.PublicKey, error) {
	var e Endorsement
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("%s: %w", EndorsementName, err)
	}
	next, err1 := base64.StdEncoding.DecodeString(e.Key)
	by, err2 := base64.StdEncoding.DecodeString(e.By)
	sig, err3 := base64.StdEncoding.DecodeString(e.Signature)
	if errors.Join(err1, err2, err3) != nil || len(next) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%s: malformed", EndorsementName)
	}
	if !bytes.Equal(by, trusted) {
		return nil, fmt.Errorf("%s: the new key (%s) is endorsed by %s, not by the trusted key %s", EndorsementName, Fingerprint(next), Fingerprint(by), Fingerprint(trusted))
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(trusted, append([]byte(endorsementContext), next...), sig) {
		return nil, fmt.Errorf("%s: the endorsement of %s is not signed by the trusted key %s", EndorsementName, Fingerprint(next), Fingerprint(trusted))
	}
	return ed25519.PublicKey(next), nil
}

// Fingerprint names a public key briefly: the first 16 hex digits of its
// SHA-256, as people compare keys on the phone.
func Fingerprint(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}

// EncodeKey and DecodeKey write a public key as text and read it back,
// for records such as a mirror's state.
func EncodeKey(key ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(key) }

// DecodeKey reads a key EncodeKey wrote.
func DecodeKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("not a public key: %q", s)
	}
	return ed25519.PublicKey(b), nil
}

// CheckSignature tells which key signed the manifest data with sig: the
// trusted key itself, or the key that trusted endorses in endorsement (the
// site's EndorsementName file, nil when it has none), rotated then.
func CheckSignature(trusted ed25519.PublicKey, data, sig, endorsement []byte) (signer ed25519.PublicKey, rotated bool, err error) {
	if VerifySignature(trusted, data, sig) {
		return trusted, false, nil
	}
	if endorsement == nil {
		return nil, false, fmt.Errorf("%s is not signed by the trusted key %s, and the site endorses no other key", Name, Fingerprint(trusted))
	}
	next, err := Endorsed(trusted, endorsement)
	if err != nil {
		return nil, false, err
	}
	if !VerifySignature(next, data, sig) {
		return nil, false, fmt.Errorf("%s is signed neither by the trusted key %s nor by the key it endorses, %s", Name, Fingerprint(trusted), Fingerprint(next))
	}
	return next, true, nil
}

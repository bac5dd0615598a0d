package manifest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// GenerateKey writes a new Ed25519 key pair: the private key to name
// (mode 0600) and the public key to name.pub, both PEM (PKCS #8 and PKIX,
// as openssl reads them). It refuses to overwrite either file.
func GenerateKey(name string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	for _, f := range []string{name, name + ".pub"} {
		if _, err := os.Lstat(f); err == nil {
			return fmt.Errorf("%s exists; not overwriting a key", f)
		}
	}
	if err := writeNew(name, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}), 0o600); err != nil {
		return err
	}
	if err := writeNew(name+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}

// writeNew creates a file that must not exist yet.
func writeNew(name string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s exists; not overwriting a key", name)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadPrivateKey reads a private key that GenerateKey wrote.
func ReadPrivateKey(name string) (ed25519.PrivateKey, error) {
	block, err := readPEM(name, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(block)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key", name)
	}
	return priv, nil
}

// ReadPublicKey reads a public key that GenerateKey wrote.
func ReadPublicKey(name string) (ed25519.PublicKey, error) {
	block, err := readPEM(name, "PUBLIC KEY")
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKIXPublicKey(block)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key", name)
	}
	return pub, nil
}

func readPEM(name, kind string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != kind {
		return nil, fmt.Errorf("%s: not a PEM %s", name, kind)
	}
	return block.Bytes, nil
}

// Sign returns the signature of manifest.json's bytes, as manifest.sig
// holds it: the 64 bytes of the Ed25519 signature (openssl pkeyutl
// -verify -rawin checks it too).
func Sign(key ed25519.PrivateKey, manifest []byte) []byte {
	return ed25519.Sign(key, manifest)
}

// VerifySignature reports whether sig is key's signature of manifest.
func VerifySignature(key ed25519.PublicKey, manifest, sig []byte) bool {
	return len(sig) == ed25519.SignatureSize && ed25519.Verify(key, manifest, sig)
}

from django.contrib.auth.hashers import Argon2PasswordHasher

from portal.hashers import PortalArgon2PasswordHasher


def test_portal_argon2_uses_owasp_parameters_and_checks_its_own_hashes():
    hasher = PortalArgon2PasswordHasher()
    encoded = hasher.encode("a long passphrase 2026", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("a long passphrase 2026", encoded)
    assert not hasher.verify("a long passphrase 2027", encoded)
    assert not hasher.must_update(encoded)


def test_hashes_made_with_djangos_parameters_still_check_and_are_remade():
    old = Argon2PasswordHasher().encode("a long passphrase 2026", "somesaltvalue123")
    hasher = PortalArgon2PasswordHasher()
    assert hasher.verify("a long passphrase 2026", old)
    assert hasher.must_update(old)

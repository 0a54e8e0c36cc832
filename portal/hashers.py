from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum (19 MiB of memory, 2 passes, 1 lane) instead of
    Django's 100 MiB x 8 lanes, which takes ~160 ms a check on a 2-core server: log-in with MFA
    must answer within 150 ms. Hashes made with other parameters are re-made at the next log-in
    (Django compares the parameters), and the algorithm name stays "argon2"."""

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1

# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throw-away certificate authority for TLS tests of the local key server (test asset).

``make_test_pki(directory)`` writes a CA, a server certificate for ``localhost``/``127.0.0.1`` and a
client certificate, all signed by that CA, and returns their paths.  It needs ``cryptography``, which
ansible-core already depends on.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from collections import namedtuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PKIPaths = namedtuple("PKIPaths", "ca_cert ca_key server_cert server_key client_cert client_key")


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path, key):
    with open(path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    os.chmod(path, 0o600)


def _write_cert(path, cert):
    with open(path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))


def _issue(subject, subject_key, issuer, issuer_key, extensions):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2)))
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    # Key identifiers: Python 3.13's default verification (VERIFY_X509_STRICT) refuses certificates without them.
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
    builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                    critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_test_pki(directory, name="litellm-test"):
    """Create CA, server (localhost, 127.0.0.1, ::1) and client certificates in ``directory``; return a PKIPaths."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("%s CA" % name)
    ca_cert = _issue(ca_name, ca_key, ca_name, ca_key, [
        (x509.BasicConstraints(ca=True, path_length=None), True),
        (x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                       key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
                       decipher_only=False), True),
    ])
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = _issue(_name("localhost"), server_key, ca_name, ca_key, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                      x509.IPAddress(ipaddress.ip_address("::1"))]), False),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
    ])
    client_key = ec.generate_private_key(ec.SECP256R1())
    client_cert = _issue(_name("%s client" % name), client_key, ca_name, ca_key, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False),
    ])
    paths = PKIPaths(*(os.path.join(directory, file_name) for file_name in (
        "ca.pem", "ca.key", "server.pem", "server.key", "client.pem", "client.key")))
    _write_cert(paths.ca_cert, ca_cert)
    _write_key(paths.ca_key, ca_key)
    _write_cert(paths.server_cert, server_cert)
    _write_key(paths.server_key, server_key)
    _write_cert(paths.client_cert, client_cert)
    _write_key(paths.client_key, client_key)
    return paths

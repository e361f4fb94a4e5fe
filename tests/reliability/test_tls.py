# -*- coding: utf-8 -*-
# Copyright: (c) 2025, llmops.litellm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTPS with a private CA made here: refused by default, accepted with ca_path, mutual TLS with client_cert.

The certificates are made by ``cryptography`` (a requirement of ansible-core, so always present) at the start
of the module: a CA, a server certificate for localhost / 127.0.0.1 signed by it, a client certificate signed
by it, and a second CA that signed nothing the server uses. The modules run in this process (``run_module``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress

import pytest

from reliability_support import assert_clean

from ansible_collections.llmops.litellm.plugins.modules import litellm_key, litellm_key_info

x509 = pytest.importorskip('cryptography.x509')
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402  pylint: disable=wrong-import-position
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402  pylint: disable=wrong-import-position
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402  pylint: disable=wrong-import-position


class Authority:
    """A CA that issues certificates into a directory."""

    def __init__(self, directory, name):
        self.directory = directory
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.key = ec.generate_private_key(ec.SECP256R1())
        builder = self._builder(self.name, self.key.public_key())
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
            decipher_only=False), critical=True)
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()),
                                        critical=False)
        self.certificate = builder.sign(self.key, hashes.SHA256())
        self.cert_path = self._write(name + '-ca.pem', self.certificate.public_bytes(serialization.Encoding.PEM))

    def _builder(self, subject, public_key):
        now = datetime.datetime.now(datetime.timezone.utc)
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(self.name).public_key(public_key)
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1)))

    def _write(self, filename, data):
        path = self.directory / filename
        path.write_bytes(data)
        return str(path)

    def issue(self, name, usage, dns_names=(), addresses=()):
        """Return (certificate path, key path, combined PEM path) of a new leaf certificate."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        builder = self._builder(subject, key.public_key())
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                                        critical=False)
        alternative = [x509.DNSName(n) for n in dns_names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
        if alternative:
            builder = builder.add_extension(x509.SubjectAlternativeName(alternative), critical=False)
        certificate = builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
        private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        return (self._write(name + '.pem', certificate), self._write(name + '.key', private),
                self._write(name + '-combined.pem', certificate + private))


@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    directory = tmp_path_factory.mktemp('pki')
    authority = Authority(directory, 'test-ca')
    stranger = Authority(directory, 'other-ca')
    return {
        'ca': authority.cert_path,
        'other_ca': stranger.cert_path,
        'server': authority.issue('localhost', ExtendedKeyUsageOID.SERVER_AUTH, ['localhost'], ['127.0.0.1']),
        'elsewhere_server': authority.issue('litellm.internal', ExtendedKeyUsageOID.SERVER_AUTH, ['litellm.internal']),
        'client': authority.issue('ansible-client', ExtendedKeyUsageOID.CLIENT_AUTH),
        'stranger_client': stranger.issue('stranger-client', ExtendedKeyUsageOID.CLIENT_AUTH),
    }


@pytest.fixture
def https_server(litellm_server_factory, pki):
    certificate, key, _combined = pki['server']
    return litellm_server_factory(certfile=certificate, keyfile=key)


@pytest.fixture
def mtls_server(litellm_server_factory, pki):
    certificate, key, _combined = pki['server']
    return litellm_server_factory(certfile=certificate, keyfile=key, client_ca=pki['ca'])


def _create(run_module, server, alias='tls-key', **tls):
    return run_module(litellm_key, dict(api_url=server.url, api_key=server.master_key, key_alias=alias,
                                        max_budget=1, retries=0, **tls))


def _refused(result, server, *options):
    assert_clean(result, server.master_key)
    assert result.get('failed'), result
    for option in options:
        assert option in result['msg'], result['msg']
    assert server.counts()['total'] == 0, 'the server answered a request it should never have seen'


def test_a_private_ca_is_refused_by_default(run_module, https_server):
    assert https_server.url.startswith('https://localhost:')
    result = _create(run_module, https_server)
    _refused(result, https_server, 'ca_path', 'validate_certs')
    assert 'certificate verify failed' in result['msg']


def test_ca_path_trusts_the_private_ca(run_module, https_server, pki):
    result = _create(run_module, https_server, ca_path=pki['ca'])
    assert_clean(result, https_server.master_key)
    assert result['changed'] and result['action'] == 'create', result.get('msg')
    listed = run_module(litellm_key_info, dict(api_url=https_server.url, api_key=https_server.master_key,
                                               ca_path=pki['ca'], key_alias='tls-key'))
    assert [k['key_alias'] for k in listed['virtual_keys']] == ['tls-key']


def test_ca_path_of_another_ca_is_refused(run_module, https_server, pki):
    _refused(_create(run_module, https_server, ca_path=pki['other_ca']), https_server, 'ca_path')


def test_a_certificate_for_another_name_is_refused(run_module, litellm_server_factory, pki):
    certificate, key, _combined = pki['elsewhere_server']
    server = litellm_server_factory(certfile=certificate, keyfile=key)
    result = _create(run_module, server, ca_path=pki['ca'])
    _refused(result, server, 'ca_path')
    assert "doesn't match" in result['msg'] or 'mismatch' in result['msg'], result['msg']


@pytest.mark.filterwarnings('ignore::urllib3.exceptions.InsecureRequestWarning')
def test_validate_certs_false_skips_verification(run_module, https_server):
    result = _create(run_module, https_server, validate_certs=False)
    assert_clean(result, https_server.master_key)
    assert result['changed'], result.get('msg')


def test_mutual_tls_with_a_client_certificate(run_module, mtls_server, pki):
    certificate, key, _combined = pki['client']
    result = _create(run_module, mtls_server, ca_path=pki['ca'], client_cert=certificate, client_key=key)
    assert_clean(result, mtls_server.master_key)
    assert result['changed'], result.get('msg')


def test_mutual_tls_with_certificate_and_key_in_one_file(run_module, mtls_server, pki):
    _certificate, _key, combined = pki['client']
    result = _create(run_module, mtls_server, ca_path=pki['ca'], client_cert=combined)
    assert_clean(result, mtls_server.master_key)
    assert result['changed'], result.get('msg')


def test_mutual_tls_without_a_client_certificate_is_refused(run_module, mtls_server, pki):
    _refused(_create(run_module, mtls_server, ca_path=pki['ca']), mtls_server, 'client_cert', 'client_key')


def test_mutual_tls_with_a_certificate_of_another_ca_is_refused(run_module, mtls_server, pki):
    certificate, key, _combined = pki['stranger_client']
    result = _create(run_module, mtls_server, ca_path=pki['ca'], client_cert=certificate, client_key=key)
    _refused(result, mtls_server, 'client_cert')

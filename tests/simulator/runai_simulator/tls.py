"""A throw-away CA and a server certificate signed by it, for --tls (the only use of `cryptography`).

Variants for TLS failure tests: `valid` (127.0.0.1, ::1 and localhost), `expired` (valid names,
validity ended yesterday) and `wrong-host` (valid dates, only the name wrong-host.invalid).
"""

import datetime
import ipaddress
import os
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'Run:ai simulator'),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(is_ca):
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=is_ca, crl_sign=is_ca,
                         encipher_only=False, decipher_only=False)


def _ca_certificate(ca_key, now):
    name = _name('Run:ai simulator test CA')
    return (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(is_ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))


def _server_certificate(server_key, ca_key, ca_cert, now, variant):
    if variant == 'wrong-host':
        names = [x509.DNSName('wrong-host.invalid')]
    else:
        names = [x509.DNSName('localhost'), x509.IPAddress(ipaddress.ip_address('127.0.0.1')),
                 x509.IPAddress(ipaddress.ip_address('::1'))]
    if variant == 'expired':
        not_before, not_after = now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)
    else:
        not_before, not_after = now - datetime.timedelta(days=1), now + datetime.timedelta(days=30)
    return (x509.CertificateBuilder()
            .subject_name(_name('runai-simulator')).issuer_name(ca_cert.subject).public_key(server_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(is_ca=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))


def _write(path, data, mode=0o644):
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), 'wb') as handle:
        handle.write(data)


def create_server_context(directory, variant='valid'):
    """Write ca.pem, server.pem and server-key.pem into `directory`; return (SSLContext, path of ca.pem)."""
    # EC keys: generated in microseconds, where RSA would add a noticeable pause to every --tls start.
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    server_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _ca_certificate(ca_key, now)
    server_cert = _server_certificate(server_key, ca_key, ca_cert, now, variant)
    ca_path = os.path.join(directory, 'ca.pem')
    cert_path = os.path.join(directory, 'server.pem')
    key_path = os.path.join(directory, 'server-key.pem')
    _write(ca_path, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write(cert_path, server_cert.public_bytes(serialization.Encoding.PEM))
    _write(key_path, server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()), mode=0o600)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context, ca_path

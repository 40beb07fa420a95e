// OpenSSL's libcrypto (Debian's libssl-dev): HMAC-SHA256 for signing Jupyter messages.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

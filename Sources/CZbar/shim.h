// zbar (Debian: libzbar-dev): reads the QR code of a certificate image for `vledger verify cert.png`.
#include <zbar.h>

// libqrencode (Debian: libqrencode-dev): QR code symbols for the certificates' verification URLs.
#include <qrencode.h>

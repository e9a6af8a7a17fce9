// zlib (Debian: zlib1g-dev): GZIP for the W3C Bitstring Status List's encodedList.
#include <zlib.h>

// cairo with its PDF, PNG and FreeType/fontconfig backends (Debian: libcairo2-dev), for the
// certificate PDF with an embedded CJK font and the QR code as PNG.
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>

// zlib: raw deflate for .npz members (np.savez_compressed) and for compressed tensor packets,
// and CRC-32 for every zip member.
#ifndef HIYARI_CZLIB_SHIM_H
#define HIYARI_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 and deflateInit2 are macros (they pass the library version and struct size),
// which Swift cannot call; zip members and packet payloads are raw deflate streams, without
// zlib's header: window bits -15.
static inline int hiyari_inflate_init_raw(z_stream *stream) { return inflateInit2(stream, -MAX_WBITS); }

static inline int hiyari_deflate_init_raw(z_stream *stream, int level, int strategy) {
  return deflateInit2(stream, level, Z_DEFLATED, -MAX_WBITS, 8, strategy);
}
#endif

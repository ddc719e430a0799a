// zlib: raw deflate for .npz members (np.savez_compressed) and CRC-32 for every zip member.
#ifndef HIYARI_CZLIB_SHIM_H
#define HIYARI_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes the library version and struct size), which Swift cannot
// call; zip members are raw deflate streams, without zlib's header: window bits -15.
static inline int hiyari_inflate_init_raw(z_stream *stream) { return inflateInit2(stream, -MAX_WBITS); }
#endif

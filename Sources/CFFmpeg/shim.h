// libavformat, libavcodec, libavutil and libswscale, plus the few macros Swift cannot import.
#ifndef HIYARI_CFFMPEG_SHIM_H
#define HIYARI_CFFMPEG_SHIM_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/hwcontext.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

static inline int hiyari_averror_eof(void) { return AVERROR_EOF; }
static inline int hiyari_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int hiyari_averror_exit(void) { return AVERROR_EXIT; }
static inline int64_t hiyari_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int hiyari_av_time_base(void) { return AV_TIME_BASE; }

#endif

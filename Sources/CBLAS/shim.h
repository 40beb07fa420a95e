#ifndef CMCL_CBLAS_SHIM_H
#define CMCL_CBLAS_SHIM_H
#include <cblas.h>
/* OpenBLAS threading control, declared by openblas_config.h / cblas.h on Debian. */
#endif

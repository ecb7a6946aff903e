/* fixture: a private header of the gemm family */
#define GEMM 1

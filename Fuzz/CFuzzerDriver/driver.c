// The declaration in include/CFuzzerDriver.h is the whole module; libFuzzer defines the function.
#include "CFuzzerDriver.h"

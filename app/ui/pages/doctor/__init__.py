"""The Doctor page: does the driver, CUDA, cuDNN, the frameworks and this GPU fit together?"""

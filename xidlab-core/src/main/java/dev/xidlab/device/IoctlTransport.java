package dev.xidlab.device;

/**
 * How request bytes reach a driver and response bytes come back: DeviceIoControl on Windows, the model's entry
 * point through JNA, a client under Wine in tests.
 */
public interface IoctlTransport extends AutoCloseable {

    /**
     * Sends one METHOD_BUFFERED request.
     *
     * @param code the IOCTL code
     * @param input the input bytes (may be empty)
     * @param outputCapacity the size of the output buffer offered
     * @return the output bytes the driver wrote (bytes returned long)
     * @throws DeviceException when the driver fails the request (with its status) or cannot be reached
     */
    byte[] call(int code, byte[] input, int outputCapacity);

    /** Unloads and loads the filter so saved registration flags take effect. */
    void reloadFilter();

    String describe();

    @Override
    void close();
}
